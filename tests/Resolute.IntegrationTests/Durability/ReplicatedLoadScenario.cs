using System.Diagnostics;
using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Durability;

/// <summary>
/// 500 runs of a two-node flow across two orchestrator replicas (same saga queue and database) and three workers:
/// 500 completions, every FlowState complete and right, and — no process being killed — every node executed exactly once.
/// </summary>
[Trait("Area", "Durability")]
public sealed class ReplicatedLoadScenario(ReplicatedDurabilityCluster cluster, ITestOutputHelper output)
    : EngineScenario<ReplicatedDurabilityCluster>(cluster, output), IClassFixture<ReplicatedDurabilityCluster>
{
    [Fact]
    public async Task Five_hundred_runs_on_two_orchestrators_and_three_workers_all_complete()
    {
        const int Runs = 500;
        await DurabilityProbe.PrepareLedgerAsync(Cluster);
        await Cluster.StartOrchestratorReplicaAsync("orchestrator-2");
        var clock = Stopwatch.StartNew();
        var runIds = await DurabilityProbe.StartRunsAsync(Cluster, PairFlow.Name, Runs, i => new PairRequest(i, 0));
        Output.WriteLine($"{Runs} runs started in {clock.ElapsedMilliseconds} ms");

        await DurabilityProbe.WaitForRunsToEndAsync(Cluster, runIds, TimeSpan.FromSeconds(150));
        var elapsed = clock.Elapsed;
        Output.WriteLine($"{Runs} runs ended {elapsed.TotalMilliseconds:0} ms after the first start ({Runs / elapsed.TotalSeconds:0.0} runs/s)");

        Assert.Equal(Runs, runIds.Distinct().Count());
        var runs = await DurabilityProbe.GetRunsAsync(Cluster, runIds);
        for (var i = 0; i < Runs; i++)
        {
            var run = runs[i];
            Assert.True(run.Status == RunStatus.Completed, $"{run}; history: {EngineCluster.Describe(run.History)}");
            Assert.Equal(new PairValue(2 * i, 0), run.State.Get<PairValue>(PairFlow.First));
            Assert.Equal(new PairValue(2 * i + 1, 0), run.State.Get<PairValue>(PairFlow.Second));
            Assert.Equal([PairFlow.First, PairFlow.Second], run.History.Select(e => e.NodeName));
            Assert.All(run.History, e => Assert.Equal(NodeExecutionOutcome.Completed, e.Outcome));
        }

        var ledger = await DurabilityProbe.ReadLedgerAsync(Cluster, runIds);
        // No fault is injected, so nothing may run twice: a fast path holds its rows while it sends them, so the other
        // replica's sweeper cannot send them too; a worker answers a copy of a command it ran from memory; and an attempt
        // is failed at its deadline only when no worker said it started it late.
        DurabilityProbe.AssertExecutionCounts(ledger, DurabilityProbe.KeysOf(runIds, [PairFlow.First, PairFlow.Second]), maxPerKey: 1, minExactlyOnce: 1.0, Output);
        Output.WriteLine($"nodes per worker: {string.Join(", ", ledger.GroupBy(e => e.Worker).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}"))}");
        await Cluster.AssertNoFaultedMessagesAsync();
    }
}
