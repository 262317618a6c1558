using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.BadInput;

/// <summary>
/// Replies that do not belong to an open attempt — for a run that ended, or with an execution id that run never issued —
/// change nothing, emit nothing, and say why in the decision (logged by the saga). A reply for a run the database does
/// not have is the saga's wiring (see the integration test <c>OrchestratorQueueBadMessagesScenario</c>).
/// </summary>
[Trait("Area", "BadInput")]
public sealed class StrayReplyTests
{
    [Theory]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.Failed)]
    public void A_reply_for_a_finished_run_changes_nothing_and_says_the_run_ended(RunStatus ending)
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a").WithRetry(Stubs.Retry(1))).Build());
        sim.Start(new Text("in"));
        var command = sim.PendingCommand("a");
        if (ending == RunStatus.Completed)
        {
            sim.Complete("a", new Text("A"));
        }
        else
        {
            sim.Fail("a", retryable: false);
        }

        var row = (sim.Run.ProgressJson, sim.Run.StateJson, sim.Run.UpdatedAt);
        var events = sim.Events.Count;

        var completed = sim.Deliver(sim.Completed(command, new Text("late")));
        var failed = sim.Deliver(sim.Failed(command));

        foreach (var decision in new[] { completed, failed })
        {
            Assert.True(decision.Ignored);
            Assert.Equal($"the run already ended {ending}", decision.IgnoredReason);
            Assert.Empty(decision.Dispatches);
            Assert.Empty(decision.Events);
            Assert.Equal(ending, decision.Status);
        }

        Assert.Equal(row, (sim.Run.ProgressJson, sim.Run.StateJson, sim.Run.UpdatedAt));
        Assert.Equal(events, sim.Events.Count);
    }

    [Fact]
    public void A_reply_with_a_forged_execution_id_is_ignored_naming_the_id_and_the_real_attempt_still_counts()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Then(Stubs.Node("b")).Build());
        sim.Start(new Text("in"));
        var real = sim.PendingCommand("a");
        var forgedId = Guid.Parse("0badc0de-0000-4000-8000-000000000015");
        var forged = sim.Completed(real with { ExecutionId = forgedId }, new Text("forged"));
        var before = (sim.Run.ProgressJson, sim.Run.StateJson);

        var decision = sim.Deliver(forged);

        Assert.True(decision.Ignored);
        Assert.Contains(forgedId.ToString(), decision.IgnoredReason, StringComparison.Ordinal);
        Assert.Contains("'a'", decision.IgnoredReason, StringComparison.Ordinal);
        Assert.Empty(decision.Dispatches);
        Assert.Equal(before, (sim.Run.ProgressJson, sim.Run.StateJson));
        Assert.False(sim.State.Has("a"));

        sim.Complete("a", new Text("real"));
        Assert.Equal("real", sim.State.Get<Text>("a").Value);
        Assert.Equal(1, sim.DispatchCount("b"));
    }

    [Fact]
    public void An_execution_id_of_another_run_does_not_complete_an_attempt_of_this_one()
    {
        var flow = Stubs.ManualFlow().Then(Stubs.Node("a")).Build();
        var registry = new FlowRegistry();
        registry.Add(flow);
        var mine = new RunSimulator(registry, runId: Guid.Parse("11111111-1111-4111-8111-111111111111"));
        var other = new RunSimulator(registry, runId: Guid.Parse("22222222-2222-4222-8222-222222222222"));
        mine.Start(new Text("mine"));
        other.Start(new Text("other"));

        // The other run's real execution id, sent as if it were this run's reply.
        var crossed = other.Completed(other.PendingCommand("a") with { RunId = mine.RunId }, new Text("crossed"));
        var decision = mine.Deliver(crossed);

        Assert.True(decision.Ignored);
        Assert.Equal(RunStatus.Running, mine.Status);
        Assert.Equal(["a"], mine.PendingNodes);
        Assert.Equal(["a"], other.PendingNodes);
        mine.Complete("a", new Text("A"));
        other.Complete("a", new Text("B"));
        Assert.Equal((RunStatus.Completed, RunStatus.Completed), (mine.Status, other.Status));
    }
}
