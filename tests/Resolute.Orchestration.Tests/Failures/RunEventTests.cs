using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Failures;

/// <summary>Every failure-path transition is published as a run event, so other services can react.</summary>
[Trait("Area", "Failures")]
public sealed class RunEventTests
{
    private static Flow TwoSteps() => Stubs.ManualFlow("events")
        .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one")))
        .Then(Stubs.Node("two").WithRetry(Stubs.Retry(2)))
        .Build();

    [Fact]
    public void A_retryable_failure_publishes_node_failed_with_will_retry_and_retry_scheduled()
    {
        var sim = RunSimulator.For(TwoSteps());
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));

        sim.Fail("two", "System.TimeoutException");

        var failed = sim.SingleEvent<FlowRunNodeFailed>();
        Assert.Equal(("two", 1, true, "System.TimeoutException"), (failed.NodeName, failed.Attempt, failed.WillRetry, failed.Error.Type));
        var retry = sim.SingleEvent<FlowRunRetryScheduled>();
        Assert.Equal(("two", 2), (retry.NodeName, retry.NextAttempt));
        Assert.Equal(sim.Time.GetUtcNow() + TimeSpan.FromSeconds(1), retry.DueAt);
    }

    [Fact]
    public void Compensation_start_and_completion_and_the_final_failure_are_published()
    {
        var sim = RunSimulator.For(TwoSteps());
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Fail("two", retryable: false);

        var started = sim.SingleEvent<FlowRunCompensationStarted>();
        Assert.Equal(("undo-one", "one"), (started.CompensationNode, started.ForNode));
        Assert.False(sim.SingleEvent<FlowRunNodeFailed>().WillRetry);

        sim.Complete("undo-one");

        var completed = sim.SingleEvent<FlowRunCompensationCompleted>();
        Assert.Equal(("undo-one", "one"), (completed.CompensationNode, completed.ForNode));
        Assert.Equal(RunStatus.Failed, sim.SingleEvent<FlowRunFailed>().Status);
        Assert.Empty(sim.Events.OfType<FlowRunCancelled>());
    }

    [Fact]
    public void A_compensation_failing_for_good_is_published_with_its_error()
    {
        var flow = Stubs.ManualFlow("comp-fails")
            .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one").WithRetry(Stubs.Retry(1))))
            .Then(Stubs.Node("two"))
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Fail("two", retryable: false);

        sim.Fail("undo-one", "System.IO.IOException", message: "ledger offline");

        var failed = sim.SingleEvent<FlowRunCompensationFailed>();
        Assert.Equal(("undo-one", "one", "System.IO.IOException"), (failed.CompensationNode, failed.ForNode, failed.Error.Error.Type));
        Assert.Equal(RunStatus.CompensationFailed, sim.SingleEvent<FlowRunFailed>().Status);
    }

    [Fact]
    public void Cancel_tells_workers_to_stop_the_running_executions_and_publishes_cancelled_at_the_end()
    {
        var sim = RunSimulator.For(TwoSteps());
        sim.Start(new Text("in"));
        var running = sim.PendingCommand("one");

        var cancel = sim.Cancel("no longer needed");

        var stop = Assert.Single(cancel.Events.OfType<CancelNodeExecutions>());
        Assert.Equal([running.ExecutionId], stop.ExecutionIds);
        Assert.Equal("no longer needed", stop.Reason);

        sim.Fail("one", ErrorTypes.NodeCancelled, retryable: false);

        Assert.Equal(RunStatus.Cancelled, sim.Status);
        Assert.Equal("no longer needed", sim.SingleEvent<FlowRunCancelled>().Reason);
        Assert.Equal(1, sim.DispatchCount("one"));
    }
}

/// <summary>The back-off is measured from the failure, not from when the orchestrator heard of it.</summary>
[Trait("Area", "Failures")]
public sealed class RetryTimingTests
{
    [Fact]
    public void Back_off_counts_from_the_attempt_failure_time_even_when_the_reply_arrives_late()
    {
        var flow = Stubs.ManualFlow("late-reply").Then(Stubs.Node("a").WithRetry(Stubs.Retry(3))).Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));
        var failedAt = sim.Time.GetUtcNow();
        var reply = sim.Failed(sim.PendingCommand("a"));

        sim.Time.Advance(TimeSpan.FromMilliseconds(400)); // the reply spent 400 ms in queues
        sim.Deliver(reply);

        Assert.Equal(failedAt + TimeSpan.FromSeconds(1), sim.SingleEvent<FlowRunRetryScheduled>().DueAt);
    }
}
