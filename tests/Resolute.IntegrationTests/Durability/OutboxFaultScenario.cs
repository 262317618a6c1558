using System.Diagnostics;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Resolute.IntegrationTests.Durability;

/// <summary>
/// Faults injected into the orchestrator's transactional outbox with the test hook <c>RESOLUTE_TEST_FAULT</c>
/// (src/Resolute.Hosting/ResoluteTestFaults.cs): a crash right after a saga commit, before its commands are sent, loses
/// no command (the restarted orchestrator delivers them); a transaction rolled back just before its commit sends no
/// command (no node ever runs for it: every node runs exactly once).
/// </summary>
[Trait("Area", "Durability")]
public sealed class OutboxFaultScenario(TwoWorkerDurabilityCluster cluster, ITestOutputHelper output)
    : EngineScenario<TwoWorkerDurabilityCluster>(cluster, output), IClassFixture<TwoWorkerDurabilityCluster>
{
    private const string FaultVariable = "RESOLUTE_TEST_FAULT";

    [Fact]
    public async Task A_crash_between_saga_commit_and_send_loses_no_command()
    {
        const int Runs = 6;
        const string Fault = "crash-after-commit:20";
        var clock = Stopwatch.StartNew();
        await DurabilityProbe.PrepareLedgerAsync(Cluster);
        await Cluster.RestartOrchestratorAsync(new Dictionary<string, string> { [FaultVariable] = Fault });
        var runIds = await DurabilityProbe.StartRunsAsync(Cluster, ChainFlow.Name, Runs, i => new ChainRequest(100 * i, 100));

        // The 20th saga commit with outbox messages (of 6 x 11) ends the process right after its commit.
        await WaitUntilAsync(() => Cluster.Orchestrator.HasExited, "the orchestrator crashed at the injected fault", TimeSpan.FromSeconds(60));
        Assert.Contains($"{FaultVariable} {Fault}: injected", Cluster.Log.Tail(int.MaxValue), StringComparison.Ordinal);
        var states = await DurabilityProbe.ReadRunStatesAsync(Cluster, runIds);
        Output.WriteLine($"orchestrator crashed after {clock.ElapsedMilliseconds} ms with {states.Values.Count(s => s.Ended)} of {Runs} runs ended; starting it without the fault");
        await Cluster.RestartOrchestratorAsync();

        await DurabilityProbe.WaitForRunsToEndAsync(Cluster, runIds, TimeSpan.FromSeconds(60));
        Output.WriteLine($"{Runs} runs ended {clock.ElapsedMilliseconds} ms after the start");
        var runs = await DurabilityProbe.GetRunsAsync(Cluster, runIds);
        // Attempt 1 everywhere: the commands of the crashed commit were delivered, not recovered by an attempt deadline.
        DurabilityProbe.AssertChainRunsComplete(runs, r => 100 * r);
        var ledger = await DurabilityProbe.ReadLedgerAsync(Cluster, runIds);
        DurabilityProbe.AssertExecutionCounts(ledger, DurabilityProbe.KeysOf(runIds, ChainFlow.NodeNames), maxPerKey: 2, minExactlyOnce: 0.8, Output);
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task A_saga_transaction_rolled_back_before_its_commit_sends_no_command()
    {
        const int Runs = 6;
        // Four rollbacks spread over the 66 saga transactions with outbox messages (start and replies of 6 x 10 nodes).
        const string Fault = "throw-before-commit:3,throw-before-commit:11,throw-before-commit:27,throw-before-commit:50";
        var clock = Stopwatch.StartNew();
        await DurabilityProbe.PrepareLedgerAsync(Cluster);
        await Cluster.RestartOrchestratorAsync(new Dictionary<string, string> { [FaultVariable] = Fault });
        var runIds = await DurabilityProbe.StartRunsAsync(Cluster, ChainFlow.Name, Runs, i => new ChainRequest(-50 * i, 30));

        await DurabilityProbe.WaitForRunsToEndAsync(Cluster, runIds, TimeSpan.FromSeconds(60));
        Output.WriteLine($"{Runs} runs ended {clock.ElapsedMilliseconds} ms after the start");
        Assert.False(Cluster.Orchestrator.HasExited, "The orchestrator exited: the throw-before-commit faults must only roll back.");
        // Every rollback happened: MassTransit's retry warning (R-RETRY) carries the hook's message.
        var log = Cluster.Log.Tail(int.MaxValue);
        Assert.All(Fault.Split(','), fault => Assert.Contains($"{FaultVariable} {fault}: injected", log, StringComparison.Ordinal));
        var runs = await DurabilityProbe.GetRunsAsync(Cluster, runIds);
        DurabilityProbe.AssertChainRunsComplete(runs, r => -50 * r);

        // A ghost command (sent by a rolled-back transition) would run its node a second time under the same key, since
        // the retried transition commits and sends it again: every node must have run exactly once, and no node may
        // have run that the committed history does not hold.
        var ledger = await DurabilityProbe.ReadLedgerAsync(Cluster, runIds);
        DurabilityProbe.AssertExecutionCounts(ledger, DurabilityProbe.KeysOf(runIds, ChainFlow.NodeNames), maxPerKey: 1, minExactlyOnce: 1, Output);
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    private async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new XunitException($"{what} did not happen within {timeout.TotalSeconds:0} s.{Environment.NewLine}{Cluster.DescribeProcesses()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}
