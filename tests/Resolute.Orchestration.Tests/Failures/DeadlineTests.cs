using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Failures;

/// <summary>An attempt with no reply by its timeout plus <see cref="OrchestratorOptions.DeadlineGrace"/> counts as failed (the worker may have died).</summary>
[Trait("Area", "Failures")]
public sealed class DeadlineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private static RunSimulator Simulator(Flow flow) => RunSimulator.For(flow, options: new OrchestratorOptions { DeadlineGrace = Grace });

    [Fact]
    public void A_dispatched_attempt_sets_the_wake_up_time_to_its_deadline()
    {
        var sim = Simulator(Stubs.ManualFlow().Then(Stubs.Node("a").WithTimeout(Timeout)).Build());

        sim.Start(new Text("in"));

        var execution = Assert.Single(sim.Executions("a"));
        Assert.Equal(ManualTimeProvider.Epoch + Timeout + Grace, execution.DeadlineAt);
        Assert.Equal(ManualTimeProvider.Epoch + Timeout + Grace, sim.Run.NextWakeAt);
    }

    [Fact]
    public void A_pending_attempt_past_timeout_plus_grace_is_counted_failed_on_Wake_and_retried()
    {
        var sim = Simulator(Stubs.ManualFlow().Then(Stubs.Node("a").WithTimeout(Timeout)).Build());
        sim.Start(new Text("in"));

        sim.Time.Advance(Timeout + Grace - TimeSpan.FromMilliseconds(1));
        var early = sim.Wake();
        Assert.True(early.Ignored);
        Assert.Equal(NodeExecutionOutcome.Pending, Assert.Single(sim.Executions("a")).Outcome);

        sim.Time.Advance(TimeSpan.FromMilliseconds(1));
        var due = sim.Wake();

        Assert.False(due.Ignored);
        Assert.Empty(due.Dispatches);
        var timedOut = sim.Executions("a")[0];
        Assert.Equal(NodeExecutionOutcome.Failed, timedOut.Outcome);
        Assert.Equal(ErrorTypes.DeadlineExceeded, timedOut.Error!.Type);
        var retry = sim.Executions("a")[1];
        Assert.Equal(NodeExecutionOutcome.RetryScheduled, retry.Outcome);
        Assert.Equal(2, retry.Attempt);
        Assert.Equal(sim.Time.GetUtcNow().AddSeconds(1), retry.RetryAt);

        sim.WakeWhenDue();
        Assert.Equal(2, sim.PendingCommand("a").Attempt);
        sim.Complete("a", new Text("A"));
        Assert.Equal(RunStatus.Completed, sim.Status);
    }

    [Fact]
    public void A_Wake_with_nothing_due_is_ignored_and_changes_nothing()
    {
        var sim = Simulator(Stubs.ManualFlow().Then(Stubs.Node("a").WithTimeout(Timeout)).Build());
        sim.Start(new Text("in"));
        var progressBefore = sim.Run.ProgressJson;
        var wakeBefore = sim.Run.NextWakeAt;
        sim.Time.Advance(TimeSpan.FromSeconds(5));

        var decision = sim.Wake();

        Assert.True(decision.Ignored);
        Assert.Empty(decision.Dispatches);
        Assert.Empty(decision.Events);
        Assert.Equal(RunStatus.Running, decision.Status);
        Assert.Equal(progressBefore, sim.Run.ProgressJson);
        Assert.Equal(wakeBefore, sim.Run.NextWakeAt);
    }

    [Fact]
    public void A_Wake_of_an_ended_run_is_ignored()
    {
        var sim = Simulator(Stubs.ManualFlow().Then(Stubs.Node("a")).Build());
        sim.Start(new Text("in"));
        sim.Complete("a", new Text("A"));
        sim.Time.Advance(TimeSpan.FromHours(1));

        var decision = sim.Wake();

        Assert.True(decision.Ignored);
        Assert.Equal(RunStatus.Completed, decision.Status);
    }

    [Fact]
    public void A_late_reply_for_an_attempt_that_already_timed_out_is_ignored()
    {
        var sim = Simulator(Stubs.ManualFlow().Then(Stubs.Node("a").WithTimeout(Timeout)).Then(Stubs.Node("b")).Build());
        sim.Start(new Text("in"));
        var first = sim.PendingCommand("a");
        sim.Time.Advance(Timeout + Grace);
        sim.Wake();

        var lateCompletion = sim.Deliver(sim.Completed(first, new Text("late")));
        var lateFailure = sim.Deliver(sim.Failed(first));

        Assert.True(lateCompletion.Ignored);
        Assert.True(lateFailure.Ignored);
        Assert.Equal(0, sim.DispatchCount("b"));
        Assert.False(sim.State.Has("a"));
        Assert.Equal(2, sim.Executions("a").Count);
        Assert.Equal(NodeExecutionOutcome.RetryScheduled, sim.Executions("a")[1].Outcome);
    }

    [Fact]
    public void A_deadline_on_the_last_attempt_fails_the_run_with_DeadlineExceeded_and_compensates()
    {
        var flow = Stubs.ManualFlow()
            .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one")))
            .Then(Stubs.Node("two").WithTimeout(Timeout).WithRetry(Stubs.Retry(1)))
            .Build();
        var sim = Simulator(flow);
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));

        var decision = sim.WakeWhenDue();

        Assert.Equal(["undo-one"], decision.Dispatches.Select(d => d.Command.NodeName));
        Assert.Equal(ErrorTypes.DeadlineExceeded, sim.Error!.Error.Type);
        Assert.Equal("two", sim.Error.NodeName);
        sim.Complete("undo-one");
        Assert.Equal(RunStatus.Failed, sim.Status);
    }

    [Fact]
    public void Waiting_for_a_running_sibling_after_a_failure_is_bounded_by_its_deadline()
    {
        var flow = Stubs.ManualFlow()
            .ThenParallel("pair",
                Stubs.Node("slow").WithTimeout(Timeout).OnError(Stubs.Node("undo-slow")),
                Stubs.Node("fails"))
            .Build();
        var sim = Simulator(flow);
        sim.Start(new Text("in"));
        sim.Fail("fails", retryable: false);
        Assert.Equal(RunStatus.Running, sim.Status);
        Assert.Equal(["slow"], sim.PendingNodes);

        sim.WakeWhenDue();

        // The silent sibling counts as failed, is not retried (the step already failed), and was never completed, so nothing is undone.
        Assert.Equal(1, sim.DispatchCount("slow"));
        Assert.Equal(0, sim.DispatchCount("undo-slow"));
        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Equal("fails", sim.Error!.NodeName);
    }

    [Fact]
    public void A_compensation_past_its_deadline_is_retried()
    {
        var flow = Stubs.ManualFlow()
            .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one").WithTimeout(Timeout)))
            .Then(Stubs.Node("two"))
            .Build();
        var sim = Simulator(flow);
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Fail("two", retryable: false);

        sim.WakeWhenDue();
        sim.WakeWhenDue();

        Assert.Equal(2, sim.PendingCommand("undo-one").Attempt);
        sim.Complete("undo-one");
        Assert.Equal(RunStatus.Failed, sim.Status);
    }
}
