using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;
using static Resolute.IntegrationTests.Failures.FailureProbes;

namespace Resolute.IntegrationTests.Failures;

/// <summary>
/// Cancelling a running run: the running node's token fires (it fails with <c>Resolute.NodeCancelled</c>), nothing
/// after it is dispatched, the completed nodes are compensated in reverse order, and the run ends Cancelled.
/// </summary>
[Trait("Area", "Failures")]
[Collection(SharedFailuresCluster.Name)]
public sealed class CancellationScenario(FailuresCluster cluster, ITestOutputHelper output)
    : EngineScenario<FailuresCluster>(cluster, output)
{
    [Fact]
    public async Task Cancelling_during_a_long_node_fires_its_token_compensates_completed_nodes_and_ends_Cancelled()
    {
        var script = Script("X1", ("charge-card", new NodeScript(HangAttempts: 1)));
        var runId = await Cluster.Client.StartAsync(FailureFlows.CancellableTrip.Name, script);
        await Cluster.WaitForProbeAsync(runId, p => p is { Node: "charge-card", What: "started" }, "charge-card starting");

        await Cluster.Client.CancelAsync(runId, "customer changed plans");
        var run = await Cluster.WaitForEndAsync(runId, TimeSpan.FromSeconds(30));
        Output.WriteLine(Timeline(run));

        run.AssertStatus(RunStatus.Cancelled);
        Assert.NotNull(run.Error);
        Assert.Equal(("cancellable-trip", "charge-card", ErrorTypes.RunCancelled), (run.Error.FlowName, run.Error.StepName, run.Error.Error.Type));
        Assert.Contains("customer changed plans", run.Error.Error.Message, StringComparison.Ordinal);
        Assert.Empty(run.Snapshot.CompensationErrors);

        var flight = run.Once("book-flight", NodeExecutionOutcome.Completed);
        var hotel = run.Once("book-hotel", NodeExecutionOutcome.Completed);
        var charge = run.Once("charge-card", NodeExecutionOutcome.Failed);
        Assert.Equal(ErrorTypes.NodeCancelled, charge.Error?.Type);
        Assert.Equal("w1", charge.WorkerId);
        Assert.True(Seconds(charge.StartedAt, charge.EndedAt) < 30, "charge-card ran on towards its 60 s timeout instead of being cancelled");
        var fired = Cluster.Probes(runId).Single(p => p.What == "token-fired");
        Assert.Equal(("charge-card", 1), (fired.Node, fired.Attempt));

        var compensations = run.History.Where(e => e.IsCompensation).OrderBy(e => e.DispatchedAt).ToList();
        Assert.Equal(["cancel-hotel", "cancel-flight"], compensations.Select(c => c.NodeName));
        Assert.All(compensations, c => Assert.Equal(NodeExecutionOutcome.Completed, c.Outcome));
        Assert.True(compensations[0].DispatchedAt >= charge.EndedAt, "compensation started while charge-card still ran");
        Assert.True(compensations[1].DispatchedAt >= compensations[0].EndedAt, "cancel-flight was dispatched while cancel-hotel still ran");
        Assert.True(hotel.EndedAt > flight.EndedAt);
        Assert.DoesNotContain(run.History, e => e.NodeName is "send-confirmation" or "refund-card");
        Assert.DoesNotContain(Cluster.Probes(runId), p => p.Node is "send-confirmation" or "refund-card");
        await Cluster.AssertNoFaultedMessagesAsync();
    }
}
