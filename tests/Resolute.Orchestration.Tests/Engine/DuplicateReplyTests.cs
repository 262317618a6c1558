using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Engine;

/// <summary>BRIEF §4 at-least-once: duplicate or stray replies never advance a run twice.</summary>
[Trait("Area", "Engine")]
public sealed class DuplicateReplyTests
{
    [Fact]
    public void A_duplicate_NodeCompleted_is_ignored_and_does_not_advance_twice()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Then(Stubs.Node("b")).Then(Stubs.Node("c")).Build());
        sim.Start(new Text("in"));
        var reply = sim.Completed(sim.PendingCommand("a"), new Text("A"));
        sim.Deliver(reply);
        var progressBefore = sim.Run.ProgressJson;

        var duplicate = sim.Deliver(reply);

        Assert.True(duplicate.Ignored);
        Assert.NotNull(duplicate.IgnoredReason);
        Assert.Empty(duplicate.Dispatches);
        Assert.Empty(duplicate.Events);
        Assert.Equal(RunStatus.Running, duplicate.Status);
        Assert.Equal(1, sim.DispatchCount("a"));
        Assert.Equal(1, sim.DispatchCount("b"));
        Assert.Equal(0, sim.DispatchCount("c"));
        Assert.Equal(["a"], sim.Progress.Completions.Select(c => c.NodeName));
        Assert.Equal(progressBefore, sim.Run.ProgressJson);
    }

    [Fact]
    public void A_duplicate_NodeCompleted_in_a_parallel_step_is_not_counted_twice_towards_the_join()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().ThenParallel("pair", Stubs.Node("a"), Stubs.Node("b")).Then(Stubs.Node("next")).Build());
        sim.Start(new Text("in"));
        var reply = sim.Completed(sim.PendingCommand("a"), new Text("A"));

        sim.Deliver(reply);
        var duplicate = sim.Deliver(reply);

        Assert.True(duplicate.Ignored);
        Assert.Equal(0, sim.DispatchCount("next"));
        Assert.Equal(["b"], sim.PendingNodes);

        sim.Complete("b", new Text("B"));
        Assert.Equal(1, sim.DispatchCount("next"));
    }

    [Fact]
    public void A_duplicate_NodeFailed_does_not_schedule_a_second_retry()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a").WithRetry(Stubs.Retry(5))).Build());
        sim.Start(new Text("in"));
        var failure = sim.Failed(sim.PendingCommand("a"));
        sim.Deliver(failure);

        var duplicate = sim.Deliver(failure);

        Assert.True(duplicate.Ignored);
        Assert.Equal(2, sim.Executions("a").Count);
        Assert.Single(sim.Executions("a"), e => e.Outcome == NodeExecutionOutcome.RetryScheduled);
    }

    [Fact]
    public void A_reply_for_an_unknown_execution_id_is_ignored()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Then(Stubs.Node("b")).Build());
        sim.Start(new Text("in"));
        var stray = sim.PendingCommand("a") with { ExecutionId = Guid.NewGuid() };
        var progressBefore = sim.Run.ProgressJson;

        var completed = sim.Deliver(sim.Completed(stray, new Text("A")));
        var failed = sim.Deliver(sim.Failed(stray, retryable: false));

        Assert.True(completed.Ignored);
        Assert.True(failed.Ignored);
        Assert.Empty(completed.Dispatches);
        Assert.Empty(failed.Dispatches);
        Assert.Equal(RunStatus.Running, sim.Status);
        Assert.Equal(["a"], sim.PendingNodes);
        Assert.Equal(progressBefore, sim.Run.ProgressJson);
    }

    [Fact]
    public void A_completion_for_an_attempt_that_already_failed_is_ignored()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a").WithRetry(Stubs.Retry(3))).Then(Stubs.Node("b")).Build());
        sim.Start(new Text("in"));
        var first = sim.PendingCommand("a");
        sim.Deliver(sim.Failed(first));

        var late = sim.Deliver(sim.Completed(first, new Text("late")));

        Assert.True(late.Ignored);
        Assert.Equal(0, sim.DispatchCount("b"));
        Assert.False(sim.State.Has("a"));
    }
}
