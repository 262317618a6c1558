using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Runs;

/// <summary>
/// Rolling upgrades: a run goes on with the flow version it started under while an older definition is kept registered
/// beside the new one; an attempt a worker declines for lack of its version waits for one that has it, and is not failed.
/// </summary>
[Trait("Area", "Durability")]
public sealed class RollingUpgradeTests
{
    private static readonly Flow Version1 = Stubs.ManualFlow("upgraded").Then(Stubs.Node("a")).Then(Stubs.Node("b")).Build();
    private static readonly Flow Version2 = Stubs.ManualFlow("upgraded").Then(Stubs.Node("a")).Then(Stubs.Node("b")).Then(Stubs.Node("c")).Build();

    private static FlowRegistry Upgraded()
    {
        var registry = new FlowRegistry();
        registry.Add(Version2);
        registry.AddPreviousVersion(Version1);
        return registry;
    }

    [Fact]
    public void A_run_started_under_the_previous_version_goes_on_with_it_after_the_orchestrator_gets_the_new_one()
    {
        var sim = RunSimulator.For(Version1);
        sim.Start(new Text("in"));
        sim.Complete("a", new Text("A"));

        sim.Redeploy(Upgraded());
        sim.Complete("b", new Text("B"));

        Assert.Equal(RunStatus.Completed, sim.Status);
        Assert.Equal(Version1.Version, sim.Run.FlowVersion);
        Assert.Equal(["a", "b"], sim.DispatchedNodes);
        Assert.All(sim.Commands, c => Assert.Equal(Version1.Version, c.FlowVersion));
    }

    [Fact]
    public void New_runs_follow_the_current_version()
    {
        var sim = new RunSimulator(Upgraded());

        sim.Start(new Text("in"));
        sim.Complete("a", new Text("A"));
        sim.Complete("b", new Text("B"));
        sim.Complete("c", new Text("C"));

        Assert.Equal(RunStatus.Completed, sim.Status);
        Assert.Equal(Version2.Version, sim.Run.FlowVersion);
    }

    [Fact]
    public void A_run_whose_version_the_orchestrator_no_longer_has_fails_saying_which_versions_it_has_and_how_to_keep_one()
    {
        var sim = RunSimulator.For(Version1);
        sim.Start(new Text("in"));
        var onlyNew = new FlowRegistry();
        onlyNew.Add(Version2);

        sim.Redeploy(onlyNew);
        sim.Complete("a", new Text("A"));

        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Equal(ErrorTypes.FlowVersionMismatch, sim.Error!.Error.Type);
        Assert.Contains($"{Version2.Version} (current)", sim.Error.Error.Message, StringComparison.Ordinal);
        Assert.Contains("AddPreviousFlowVersion", sim.Error.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_attempt_a_worker_declines_for_its_version_waits_visibly_and_is_sent_again_as_the_same_attempt()
    {
        var sim = new RunSimulator(Upgraded());
        sim.Start(new Text("in"));
        var first = sim.PendingCommand("a");

        var declined = sim.DeclineVersion("a");

        Assert.False(declined.Ignored);
        Assert.Empty(declined.Dispatches);
        var waiting = Assert.Single(sim.Executions("a"));
        Assert.Equal(NodeExecutionOutcome.WaitingForWorker, waiting.Outcome);
        Assert.Equal(ErrorTypes.FlowVersionUnavailable, waiting.Error!.Type);
        Assert.Contains(Version2.Version, waiting.Error.Message, StringComparison.Ordinal);
        Assert.Contains("old-worker", waiting.Error.Message, StringComparison.Ordinal);
        Assert.Contains("'resolute-nodes'", waiting.Error.Message, StringComparison.Ordinal);
        var record = waiting.ToRecord();
        Assert.Equal(NodeExecutionOutcome.WaitingForWorker, record.Outcome);
        Assert.Equal(sim.Time.GetUtcNow(), record.WaitingSince);
        Assert.Equal(sim.Time.GetUtcNow().AddSeconds(1), sim.Run.NextWakeAt);

        sim.WakeWhenDue();

        var again = sim.PendingCommand("a");
        Assert.Equal(first.ExecutionId, again.ExecutionId);
        Assert.Equal(1, again.Attempt);
        Assert.Null(Assert.Single(sim.Executions("a")).Error);
        sim.Complete("a", new Text("A"));
        Assert.Equal(["a", "a", "b"], sim.DispatchedNodes);
        Assert.DoesNotContain(sim.History, e => e.Outcome == NodeExecutionOutcome.Failed);
    }

    [Fact]
    public void The_pause_before_sending_again_doubles_with_each_decline_up_to_thirty_seconds()
    {
        var sim = new RunSimulator(Upgraded());
        sim.Start(new Text("in"));
        var pauses = new List<TimeSpan>();

        for (var i = 0; i < 8; i++)
        {
            var declinedAt = sim.Time.GetUtcNow();
            sim.DeclineVersion("a");
            pauses.Add(sim.Run.NextWakeAt!.Value - declinedAt);
            sim.WakeWhenDue();
        }

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], pauses.Select(p => (int)p.TotalSeconds));
        Assert.Equal(8, Assert.Single(sim.Executions("a")).WorkerDeclines);
        Assert.Equal(RunStatus.Running, sim.Status);
    }

    [Fact]
    public void A_waiting_attempt_is_abandoned_when_the_run_is_cancelled()
    {
        var sim = new RunSimulator(Upgraded());
        sim.Start(new Text("in"));
        sim.DeclineVersion("a");

        sim.Cancel("upgrade aborted");

        Assert.Equal(RunStatus.Cancelled, sim.Status);
        Assert.Equal(NodeExecutionOutcome.Abandoned, Assert.Single(sim.Executions("a")).Outcome);
        Assert.Null(sim.Run.NextWakeAt);
    }

    [Fact]
    public void A_decline_for_an_attempt_that_is_not_pending_is_ignored()
    {
        var sim = new RunSimulator(Upgraded());
        sim.Start(new Text("in"));
        sim.DeclineVersion("a");
        var command = sim.Commands.Last();

        var stale = sim.Decider.NodeVersionUnavailable(sim.Run, new NodeVersionUnavailable
        {
            RunId = command.RunId,
            ExecutionId = command.ExecutionId,
            NodeName = "a",
            Attempt = 1,
            FlowVersion = command.FlowVersion,
            Reason = "none",
        });

        Assert.True(stale.Ignored);
        Assert.Equal(1, Assert.Single(sim.Executions("a")).WorkerDeclines);
    }
}
