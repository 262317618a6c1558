using System.Diagnostics;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Durability;

/// <summary>
/// PostgreSQL stopped for about three seconds while runs are under way: the orchestrator's saga transactions fail and
/// are retried (messages stay unacknowledged), the runs pause, and once the database is back every run completes with
/// every output, nothing faulted, no node run more than twice.
/// </summary>
/// <remarks>
/// Stops the test run's shared database server: the assembly runs one class at a time (AssemblyInfo.cs), and the
/// server is started again in a finally.
/// </remarks>
[Trait("Area", "Durability")]
public sealed class DatabaseOutageScenario(TwoWorkerDurabilityCluster cluster, ITestOutputHelper output)
    : EngineScenario<TwoWorkerDurabilityCluster>(cluster, output), IClassFixture<TwoWorkerDurabilityCluster>
{
    [Fact]
    public async Task Runs_pause_while_PostgreSQL_is_down_and_then_complete_with_nothing_lost()
    {
        const int Runs = 20;
        var total = Runs * ChainFlow.Length;
        var clock = Stopwatch.StartNew();
        await DurabilityProbe.PrepareLedgerAsync(Cluster);
        var runIds = await DurabilityProbe.StartRunsAsync(Cluster, ChainFlow.Name, Runs, i => new ChainRequest(7 * i, 200));

        var seen = await DurabilityProbe.WaitForLedgerAsync(Cluster, runIds, l => l.Count >= total / 4, "a quarter of the node executions", TimeSpan.FromSeconds(60));
        Output.WriteLine($"{seen.Count}/{total} executions after {clock.ElapsedMilliseconds} ms: stopping PostgreSQL");
        var postgres = Cluster.Servers.PostgresCtl;
        int stalled;
        try
        {
            await DurabilityProbe.ControlServerAsync(Cluster, postgres, "stop");
            var down = Stopwatch.StartNew();
            Output.WriteLine($"PostgreSQL stopped after {clock.ElapsedMilliseconds} ms");
            // The outage itself: no condition to wait for, the database is simply away for a while.
            await Task.Delay(TimeSpan.FromSeconds(3));
            stalled = (int)down.ElapsedMilliseconds;
        }
        finally
        {
            await DurabilityProbe.ControlServerAsync(Cluster, postgres, "start");
            Output.WriteLine($"PostgreSQL started again after {clock.ElapsedMilliseconds} ms");
        }

        var before = await DurabilityProbe.ReadRunStatesAsync(Cluster, runIds);
        Output.WriteLine($"after the outage ({stalled} ms down): {before.Values.Count(s => s.Ended)} of {Runs} runs ended");
        Assert.True(before.Values.Count(s => s.Ended) < Runs, "Every run had ended before the outage: it did not interrupt anything.");

        await DurabilityProbe.WaitForRunsToEndAsync(Cluster, runIds, TimeSpan.FromSeconds(90));
        Output.WriteLine($"{Runs} runs ended {clock.ElapsedMilliseconds} ms after the start");

        var runs = await DurabilityProbe.GetRunsAsync(Cluster, runIds);
        DurabilityProbe.AssertChainRunsComplete(runs, r => 7 * r);
        var ledger = await DurabilityProbe.ReadLedgerAsync(Cluster, runIds);
        DurabilityProbe.AssertExecutionCounts(ledger, DurabilityProbe.KeysOf(runIds, ChainFlow.NodeNames), maxPerKey: 2, minExactlyOnce: 0.9, Output);
        await Cluster.AssertNoFaultedMessagesAsync();
    }
}
