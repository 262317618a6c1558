using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Failures;

/// <summary>
/// The node lifecycle events a watcher follows: every attempt sent is published as dispatched, every attempt recorded
/// as completed as completed, and failures carry the attempt's id — so one attempt can be followed across its events;
/// <see cref="OrchestratorOptions.PublishNodeEvents"/> = false publishes neither.
/// </summary>
[Trait("Area", "Cli")]
public sealed class NodeLifecycleEventTests
{
    private static Flow Flow() => Stubs.ManualFlow("lifecycle")
        .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one")))
        .ThenParallel("both", Stubs.Node("a"), Stubs.Node("b").WithRetry(Stubs.Retry(2)))
        .Build();

    [Fact]
    public void Each_attempt_is_published_as_dispatched_then_completed_or_failed_under_one_execution_id()
    {
        var sim = RunSimulator.For(Flow());
        sim.Start(new Text("in"));
        var one = sim.PendingCommand("one");

        var dispatched = sim.SingleEvent<FlowRunNodeDispatched>();
        Assert.Equal(("one", "one", 1, one.ExecutionId, false), (dispatched.NodeName, dispatched.StepName, dispatched.Attempt, dispatched.ExecutionId, dispatched.IsCompensation));
        Assert.Equal(FlowRegistry.DefaultTaskQueue, dispatched.TaskQueue);
        Assert.Equal(sim.Time.GetUtcNow(), dispatched.DispatchedAt);

        sim.Complete("one", new Text("1"));
        var completed = sim.SingleEvent<FlowRunNodeCompleted>();
        Assert.Equal(("one", 1, one.ExecutionId), (completed.NodeName, completed.Attempt, completed.ExecutionId));

        // The parallel step: both nodes dispatched in one turn; b fails once and is dispatched again as attempt 2.
        var parallel = sim.Events.OfType<FlowRunNodeDispatched>().Where(e => e.StepName == "both").ToList();
        Assert.Equal(["a", "b"], parallel.Select(e => e.NodeName).Order());
        var b1 = sim.PendingCommand("b");
        sim.Fail("b", "System.TimeoutException");
        Assert.Equal(b1.ExecutionId, sim.Events.OfType<FlowRunNodeFailed>().Single(e => e.NodeName == "b").ExecutionId);
        sim.Time.Advance(TimeSpan.FromSeconds(1));
        sim.Wake();
        var b2 = sim.Events.OfType<FlowRunNodeDispatched>().Single(e => e.NodeName == "b" && e.Attempt == 2);
        Assert.NotEqual(b1.ExecutionId, b2.ExecutionId);
    }

    [Fact]
    public void A_compensation_attempt_is_published_like_any_other_attempt()
    {
        var sim = RunSimulator.For(Flow());
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Complete("a", new Text("a"));
        sim.Fail("b", retryable: false);

        var undo = sim.Events.OfType<FlowRunNodeDispatched>().Single(e => e.NodeName == "undo-one");
        Assert.True(undo.IsCompensation);
        sim.Complete("undo-one");
        var completed = sim.Events.OfType<FlowRunNodeCompleted>().Single(e => e.NodeName == "undo-one");
        Assert.Equal((true, undo.ExecutionId), (completed.IsCompensation, completed.ExecutionId));
    }

    [Fact]
    public void Turned_off_no_dispatched_or_completed_event_is_published_and_the_run_is_unchanged()
    {
        var sim = RunSimulator.For(Flow(), options: new OrchestratorOptions { PublishNodeEvents = false });
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Complete("a", new Text("a"));
        sim.Complete("b", new Text("b"));

        Assert.Empty(sim.Events.OfType<FlowRunNodeDispatched>());
        Assert.Empty(sim.Events.OfType<FlowRunNodeCompleted>());
        sim.SingleEvent<FlowRunCompleted>();
        Assert.Equal(RunStatus.Completed, sim.Run.Status);
    }
}
