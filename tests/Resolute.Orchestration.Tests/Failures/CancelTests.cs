using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Failures;

/// <summary>Cancel: stop dispatching, wait for running nodes, compensate completed ones, end Cancelled.</summary>
[Trait("Area", "Failures")]
public sealed class CancelTests
{
    private static Flow ThreeSteps() => Stubs.ManualFlow("three")
        .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one")))
        .Then(Stubs.Node("two").OnError(Stubs.Node("undo-two")))
        .Then(Stubs.Node("three"))
        .Build();

    [Fact]
    public void Cancel_with_a_pending_node_waits_for_it_then_compensates_completed_nodes_and_ends_Cancelled()
    {
        var sim = RunSimulator.For(ThreeSteps());
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));

        var cancel = sim.Cancel("customer changed their mind");
        Assert.Empty(cancel.Dispatches);
        Assert.Equal(RunStatus.Running, sim.Status);
        Assert.Equal(["two"], sim.PendingNodes);

        sim.Complete("two", new Text("2"));
        Assert.Equal(["undo-two"], sim.JustDispatched);
        Assert.Equal(RunStatus.Compensating, sim.Status);
        sim.Complete("undo-two");
        Assert.Equal(["undo-one"], sim.JustDispatched);
        sim.Complete("undo-one");

        Assert.Equal(RunStatus.Cancelled, sim.Status);
        Assert.Equal(0, sim.DispatchCount("three"));
        Assert.Equal(ErrorTypes.RunCancelled, sim.Error!.Error.Type);
        Assert.Contains("customer changed their mind", sim.Error.Error.Message, StringComparison.Ordinal);
        var ended = sim.SingleEvent<FlowRunFailed>();
        Assert.Equal(RunStatus.Cancelled, ended.Status);
    }

    [Fact]
    public void Cancel_while_the_pending_node_then_fails_still_ends_Cancelled_without_retrying()
    {
        var sim = RunSimulator.For(ThreeSteps());
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Cancel();

        sim.Fail("two");
        Assert.Equal(["undo-one"], sim.JustDispatched);
        sim.Complete("undo-one");

        Assert.Equal(RunStatus.Cancelled, sim.Status);
        Assert.Equal(1, sim.DispatchCount("two"));
    }

    [Fact]
    public void Cancel_with_nothing_running_compensates_at_once()
    {
        var sim = RunSimulator.For(ThreeSteps());
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Fail("two"); // retry scheduled: nothing is running
        var retryAt = sim.Run.NextWakeAt!.Value;

        var cancel = sim.Cancel();

        Assert.Equal(["undo-one"], cancel.Dispatches.Select(d => d.Command.NodeName));
        Assert.Equal(RunStatus.Compensating, cancel.Status);

        sim.Time.SetUtcNow(retryAt);
        var wake = sim.Wake();
        Assert.Empty(wake.Dispatches);
        Assert.Equal(1, sim.DispatchCount("two"));

        sim.Complete("undo-one");
        Assert.Equal(RunStatus.Cancelled, sim.Status);
    }

    [Fact]
    public void Cancel_with_nothing_to_compensate_and_nothing_running_ends_Cancelled_at_once()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Build());
        sim.Start(new Text("in"));
        sim.Fail("a");

        var cancel = sim.Cancel();

        Assert.Equal(RunStatus.Cancelled, cancel.Status);
        Assert.Empty(cancel.Dispatches);
        Assert.Null(sim.Run.NextWakeAt);
    }

    [Theory]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.Failed)]
    public void Cancel_of_an_ended_run_is_ignored(RunStatus ending)
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Build());
        sim.Start(new Text("in"));
        if (ending == RunStatus.Completed)
        {
            sim.Complete("a", new Text("A"));
        }
        else
        {
            sim.Fail("a", retryable: false);
        }

        var eventsBefore = sim.Events.Count;

        var cancel = sim.Cancel();

        Assert.True(cancel.Ignored);
        Assert.Equal(ending, cancel.Status);
        Assert.Equal(ending, sim.Status);
        Assert.Empty(cancel.Dispatches);
        Assert.Equal(eventsBefore, sim.Events.Count);
    }

    [Fact]
    public void Cancel_of_a_cancelled_run_is_ignored()
    {
        var sim = RunSimulator.For(ThreeSteps());
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Cancel();

        var again = sim.Cancel();

        Assert.True(again.Ignored);
        Assert.Equal(RunStatus.Running, again.Status);
    }

    [Fact]
    public void Cancel_while_compensating_is_declined_and_the_run_ends_Failed_with_its_original_error()
    {
        var sim = RunSimulator.For(ThreeSteps());
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Fail("two", "Original.Error", retryable: false);
        Assert.Equal(RunStatus.Compensating, sim.Status);

        var cancel = sim.Cancel();
        sim.Complete("undo-one");

        Assert.Empty(cancel.Dispatches);
        Assert.Equal(CancelRequestOutcome.Declined, Assert.Single(sim.Progress.CancelRequests).Outcome);
        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Equal("Original.Error", sim.Error!.Error.Type);
    }

    [Fact]
    public void Cancel_while_a_failed_step_awaits_its_running_siblings_still_ends_Failed_with_the_original_error()
    {
        // BRIEF §3 rule 4: a node failed, so the run ends Failed with the original error. The step failed but a sibling
        // still runs (rule 2), so the run's status is still Running when the cancel arrives.
        var flow = Stubs.ManualFlow()
            .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one")))
            .ThenParallel("pair", Stubs.Node("slow"), Stubs.Node("fails"))
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Fail("fails", "Original.Error", retryable: false);

        sim.Cancel();
        sim.Complete("slow", new Text("S"));
        sim.Complete("undo-one");

        Assert.Equal("Original.Error", sim.Error!.Error.Type);
        Assert.Equal(RunStatus.Failed, sim.Status);
    }

    [Fact]
    public void Cancel_then_the_pending_node_missing_its_deadline_compensates_and_ends_Cancelled()
    {
        var sim = RunSimulator.For(ThreeSteps());
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Cancel();

        sim.WakeWhenDue();

        Assert.Equal(["undo-one"], sim.JustDispatched);
        Assert.Equal(1, sim.DispatchCount("two"));
        sim.Complete("undo-one");
        Assert.Equal(RunStatus.Cancelled, sim.Status);
    }
}
