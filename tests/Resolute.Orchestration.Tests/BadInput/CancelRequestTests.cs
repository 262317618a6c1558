using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.BadInput;

/// <summary>
/// Cancellation requests the run cannot act on. While the run is failing or compensating, the request is declined — the
/// run ends with its original error — and recorded on the run with what happened and why (the client's
/// <c>CancelAsync</c> reads it back). A request for a run that ended changes nothing.
/// </summary>
[Trait("Area", "BadInput")]
public sealed class CancelRequestTests
{
    private static readonly Guid RequestId = Guid.Parse("c0c0c0c0-0000-4000-8000-000000000017");

    [Fact]
    public void A_cancel_while_compensating_is_declined_recorded_with_the_original_error_and_the_run_ends_Failed()
    {
        var sim = RunSimulator.For(ThreeSteps());
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Fail("two", "Original.Error", retryable: false, message: "card declined");
        Assert.Equal(RunStatus.Compensating, sim.Status);

        var decision = sim.Cancel("user gave up", RequestId);

        Assert.False(decision.Ignored);
        Assert.Empty(decision.Dispatches);
        Assert.Empty(decision.Events);
        Assert.Equal(RunStatus.Compensating, decision.Status);
        var record = Assert.Single(sim.Progress.CancelRequests);
        Assert.Equal(RequestId, record.RequestId);
        Assert.Equal("user gave up", record.Reason);
        Assert.Equal(CancelRequestOutcome.Declined, record.Outcome);
        Assert.Equal(RunStatus.Compensating, record.StatusAtRequest);
        Assert.StartsWith("The run is already compensating after flow 'test-flow', step 'two', node 'two', attempt 1: Original.Error: card declined;", record.Detail, StringComparison.Ordinal);
        Assert.Contains("the cancellation changes nothing", record.Detail, StringComparison.Ordinal);
        Assert.Contains(record.Detail, decision.Refusal, StringComparison.Ordinal);

        sim.Complete("undo-one");
        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Equal("Original.Error", sim.Error!.Error.Type);
        Assert.Null(sim.Progress.CancelReason);
    }

    [Fact]
    public void A_cancel_while_a_failed_step_awaits_a_running_sibling_is_declined_as_failing()
    {
        var flow = Stubs.ManualFlow()
            .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one")))
            .ThenParallel("pair", Stubs.Node("slow"), Stubs.Node("fails"))
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Fail("fails", "Original.Error", retryable: false);

        sim.Cancel("stop", RequestId);
        sim.Complete("slow", new Text("S"));
        sim.Complete("undo-one");

        var record = Assert.Single(sim.Progress.CancelRequests);
        Assert.Equal(CancelRequestOutcome.Declined, record.Outcome);
        Assert.Equal(RunStatus.Running, record.StatusAtRequest);
        Assert.StartsWith("The run is already failing after", record.Detail, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Equal("Original.Error", sim.Error!.Error.Type);
    }

    [Fact]
    public void An_accepted_cancel_and_a_second_one_are_both_recorded_and_a_redelivery_is_not()
    {
        var sim = RunSimulator.For(ThreeSteps());
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));

        sim.Cancel("first", RequestId);
        var second = Guid.NewGuid();
        sim.Cancel("second", second);
        var redelivered = sim.Cancel("second", second);

        Assert.True(redelivered.Ignored);
        Assert.Equal(
            [(RequestId, CancelRequestOutcome.Accepted), (second, CancelRequestOutcome.AlreadyCancelling)],
            sim.Progress.CancelRequests.Select(r => (r.RequestId!.Value, r.Outcome)));
        sim.Complete("two", new Text("2"));
        sim.Complete("undo-one");
        Assert.Equal(RunStatus.Cancelled, sim.Status);
        Assert.Contains("first", sim.Error!.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.Failed)]
    public void A_cancel_of_a_finished_run_changes_nothing(RunStatus ending)
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

        var progress = sim.Run.ProgressJson;

        var decision = sim.Cancel("too late", RequestId);

        Assert.True(decision.Ignored);
        Assert.Equal($"the run already ended {ending}", decision.IgnoredReason);
        Assert.Equal(progress, sim.Run.ProgressJson);
        Assert.Equal(ending, sim.Status);
    }

    private static Flow ThreeSteps() => Stubs.ManualFlow()
        .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one")))
        .Then(Stubs.Node("two"))
        .Then(Stubs.Node("three"))
        .Build();
}
