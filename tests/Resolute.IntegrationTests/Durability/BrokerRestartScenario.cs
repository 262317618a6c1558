using System.Diagnostics;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Durability;

/// <summary>
/// RabbitMQ stopped and started again while 50 runs of ten sequential nodes are under way: MassTransit reconnects
/// every process, the durable queues kept their messages, and all 50 runs complete with every output.
/// </summary>
/// <remarks>
/// Stops the test run's shared broker: the assembly runs one class at a time (AssemblyInfo.cs), and the broker is
/// started again in a finally.
/// </remarks>
[Trait("Area", "Durability")]
public sealed class BrokerRestartScenario(TwoWorkerDurabilityCluster cluster, ITestOutputHelper output)
    : EngineScenario<TwoWorkerDurabilityCluster>(cluster, output), IClassFixture<TwoWorkerDurabilityCluster>
{
    [Fact]
    public async Task Fifty_runs_complete_across_a_restart_of_RabbitMQ()
    {
        const int Runs = 50;
        var total = Runs * ChainFlow.Length;
        var clock = Stopwatch.StartNew();
        await DurabilityProbe.PrepareLedgerAsync(Cluster);
        var runIds = await DurabilityProbe.StartRunsAsync(Cluster, ChainFlow.Name, Runs, i => new ChainRequest(i, 150));

        var seen = await DurabilityProbe.WaitForLedgerAsync(Cluster, runIds, l => l.Count >= total / 4, "a quarter of the node executions", TimeSpan.FromSeconds(60));
        var ended = (await DurabilityProbe.ReadRunStatesAsync(Cluster, runIds)).Values.Count(s => s.Ended);
        Output.WriteLine($"{seen.Count}/{total} executions, {ended} run(s) ended after {clock.ElapsedMilliseconds} ms: stopping RabbitMQ");
        Assert.True(ended < Runs / 2, $"{ended} of {Runs} runs had already ended: the broker must stop in the middle of the runs.");
        var rabbitMq = Cluster.Servers.RabbitMqCtl;
        try
        {
            await DurabilityProbe.ControlServerAsync(Cluster, rabbitMq, "stop");
            Output.WriteLine($"RabbitMQ stopped after {clock.ElapsedMilliseconds} ms");
        }
        finally
        {
            await DurabilityProbe.ControlServerAsync(Cluster, rabbitMq, "start");
            Output.WriteLine($"RabbitMQ started again after {clock.ElapsedMilliseconds} ms");
        }

        await DurabilityProbe.WaitForRunsToEndAsync(Cluster, runIds, TimeSpan.FromSeconds(120));
        Output.WriteLine($"{Runs} runs ended {clock.ElapsedMilliseconds} ms after the start");

        var runs = await DurabilityProbe.GetRunsAsync(Cluster, runIds);
        DurabilityProbe.AssertChainRunsComplete(runs, r => r);
        var ledger = await DurabilityProbe.ReadLedgerAsync(Cluster, runIds);
        // Nodes that finished while the broker was down could not reply; their commands are delivered (and run) again.
        // Reported, bounded loosely: the contract is at-least-once.
        DurabilityProbe.AssertExecutionCounts(ledger, DurabilityProbe.KeysOf(runIds, ChainFlow.NodeNames), maxPerKey: 6, minExactlyOnce: 0.5, Output);
        await Cluster.AssertNoFaultedMessagesAsync();
    }
}
