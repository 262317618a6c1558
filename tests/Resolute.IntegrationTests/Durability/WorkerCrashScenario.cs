using System.Diagnostics;
using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Durability;

/// <summary>
/// <c>kill -9</c> of a worker while it runs a slow node: RabbitMQ redelivers the unacknowledged command to the other
/// worker, which runs the node again (same idempotency key, same attempt), and the run completes — long before any
/// attempt deadline could have noticed.
/// </summary>
[Trait("Area", "Durability")]
public sealed class WorkerCrashScenario(TwoWorkerDurabilityCluster cluster, ITestOutputHelper output)
    : EngineScenario<TwoWorkerDurabilityCluster>(cluster, output), IClassFixture<TwoWorkerDurabilityCluster>
{
    [Fact]
    public async Task A_node_of_a_killed_worker_is_run_again_by_the_other_worker_and_the_run_completes()
    {
        const int Runs = 4;
        const int SlowMs = 3000;
        var clock = Stopwatch.StartNew();
        await DurabilityProbe.PrepareLedgerAsync(Cluster);
        var runIds = await DurabilityProbe.StartRunsAsync(Cluster, PairFlow.Name, Runs, i => new PairRequest(i, SlowMs));

        // Every run's slow node has begun somewhere; kill the worker running the first of them.
        var started = await DurabilityProbe.WaitForLedgerAsync(Cluster, runIds, l => l.Count(e => e.Node == PairFlow.Second) == Runs,
            "every slow node started", TimeSpan.FromSeconds(30));
        var victim = started.First(e => e.Node == PairFlow.Second).Worker;
        var survivor = victim == "w1" ? "w2" : "w1";
        var interrupted = started.Where(e => e.Node == PairFlow.Second && e.Worker == victim).Select(e => e.IdempotencyKey).ToHashSet(StringComparer.Ordinal);
        Output.WriteLine($"after {clock.ElapsedMilliseconds} ms: kill -9 of {victim}, which runs {interrupted.Count} slow node(s)");
        Cluster.KillWorker(victim);

        await DurabilityProbe.WaitForRunsToEndAsync(Cluster, runIds, TimeSpan.FromSeconds(30));
        Output.WriteLine($"{Runs} runs ended {clock.ElapsedMilliseconds} ms after the start");

        var runs = await DurabilityProbe.GetRunsAsync(Cluster, runIds);
        for (var i = 0; i < Runs; i++)
        {
            var run = runs[i];
            Assert.True(run.Status == RunStatus.Completed, $"{run}; history: {EngineCluster.Describe(run.History)}");
            Assert.Equal(new PairValue(2 * i + 1, SlowMs), run.State.Get<PairValue>(PairFlow.Second));
            var second = Assert.Single(run.History, e => e.NodeName == PairFlow.Second);
            Assert.Equal(NodeExecutionOutcome.Completed, second.Outcome);
            // Redelivered by the broker, not re-dispatched by the orchestrator: still attempt 1.
            Assert.Equal(1, second.Attempt);
            if (interrupted.Contains(NodeContext.CreateIdempotencyKey(run.RunId, PairFlow.Second)))
            {
                Assert.Equal(survivor, second.WorkerId);
            }
        }

        var ledger = await DurabilityProbe.ReadLedgerAsync(Cluster, runIds);
        DurabilityProbe.AssertExecutionCounts(ledger, DurabilityProbe.KeysOf(runIds, [PairFlow.First, PairFlow.Second]), maxPerKey: 2, minExactlyOnce: 0, Output);
        foreach (var key in interrupted)
        {
            var executions = ledger.Where(e => e.IdempotencyKey == key).ToList();
            Assert.Equal([victim, survivor], executions.Select(e => e.Worker));
            Assert.All(executions, e => Assert.Equal(1, e.Attempt));
        }

        // Nodes the victim did not run ran exactly once.
        Assert.All(ledger.GroupBy(e => e.IdempotencyKey).Where(g => !interrupted.Contains(g.Key)), g => Assert.Single(g));
        await Cluster.AssertNoFaultedMessagesAsync();
    }
}
