using System.Diagnostics;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Durability;

/// <summary>
/// <c>kill -9</c> of the orchestrator twice in the middle of runs of ten sequential nodes, each time started again:
/// every run completes with every node's output, no node ran more than 1 + (number of crashes) times (at-least-once: a
/// command sent from the outbox but not yet deleted when a crash hits is sent again), and most ran exactly once.
/// </summary>
[Trait("Area", "Durability")]
public sealed class OrchestratorCrashScenario(TwoWorkerDurabilityCluster cluster, ITestOutputHelper output)
    : EngineScenario<TwoWorkerDurabilityCluster>(cluster, output), IClassFixture<TwoWorkerDurabilityCluster>
{
    [Fact]
    public async Task Runs_survive_kill_9_of_the_orchestrator_with_every_output_and_at_most_one_extra_execution_per_crash()
    {
        const int Runs = 12;
        const int Kills = 2;
        var total = Runs * ChainFlow.Length;
        var clock = Stopwatch.StartNew();
        await DurabilityProbe.PrepareLedgerAsync(Cluster);
        var runIds = await DurabilityProbe.StartRunsAsync(Cluster, ChainFlow.Name, Runs, i => new ChainRequest(1000 * i, 250));

        // Kill while nodes run and replies are in flight: at about a quarter and again at about two thirds of the work.
        double[] killAt = [0.25, 0.65];
        Assert.Equal(Kills, killAt.Length);
        foreach (var fraction in killAt)
        {
            var seen = await DurabilityProbe.WaitForLedgerAsync(Cluster, runIds, l => l.Count >= total * fraction,
                $"{fraction:P0} of the node executions", TimeSpan.FromSeconds(60));
            Output.WriteLine($"{seen.Count}/{total} executions recorded after {clock.ElapsedMilliseconds} ms: kill -9 of the orchestrator and start again");
            await Cluster.RestartOrchestratorAsync();
            Output.WriteLine($"orchestrator back after {clock.ElapsedMilliseconds} ms");
        }

        await DurabilityProbe.WaitForRunsToEndAsync(Cluster, runIds, TimeSpan.FromSeconds(90));
        Output.WriteLine($"{Runs} runs ended {clock.ElapsedMilliseconds} ms after the start, {Kills} orchestrator kills");

        var runs = await DurabilityProbe.GetRunsAsync(Cluster, runIds);
        DurabilityProbe.AssertChainRunsComplete(runs, r => 1000 * r);
        var ledger = await DurabilityProbe.ReadLedgerAsync(Cluster, runIds);
        // At-least-once across crashes: each crash may leave outbox rows that were sent but whose delete had not committed,
        // and the next orchestrator's sweeper sends them again — so a node may run once per crash more: 1 + 2 kills.
        // (Observed: the restarted orchestrator re-sent such rows and was killed again before deleting them: 3 runs.)
        DurabilityProbe.AssertExecutionCounts(ledger, DurabilityProbe.KeysOf(runIds, ChainFlow.NodeNames), maxPerKey: 1 + Kills, minExactlyOnce: 0.8, Output);
        await Cluster.AssertNoFaultedMessagesAsync();
    }
}
