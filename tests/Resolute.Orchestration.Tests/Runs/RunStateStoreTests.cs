using Resolute.Contracts;
using Resolute.Orchestration.Runs;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Runs;

/// <summary>The run row holds what is open, typed, and round-trips through <see cref="RunStateStore"/> unchanged.</summary>
[Trait("Area", "Engine")]
public sealed class RunStateStoreTests
{
    private static readonly DateTimeOffset Now = ManualTimeProvider.Epoch;

    [Fact]
    public void A_stored_state_loads_back_with_every_field()
    {
        var state = new RunState
        {
            RunId = Guid.NewGuid(),
            FlowName = "f",
            FlowVersion = "v1",
            Status = RunStatus.Compensating,
            Cursor = 3,
            CurrentStep = "step",
            StepFailed = true,
            CancelReason = "stop",
            ExecutionCount = 7,
            Error = new RunError { FlowName = "f", NodeName = "n", Error = new ErrorInfo { Type = "T", Message = "m" } },
        };
        state.Data.Set("key", new Text("value"));
        state.Open.Add(new NodeExecution { ExecutionId = Guid.NewGuid(), NodeName = "a", StepName = "s", Attempt = 2, Outcome = NodeExecutionOutcome.RetryScheduled, RetryAt = Now.AddSeconds(5), InputJson = "{\"value\":\"x\"}" });
        state.Open.Add(new NodeExecution { ExecutionId = Guid.NewGuid(), NodeName = "b", StepName = "s", Attempt = 1, Outcome = NodeExecutionOutcome.Pending, DeadlineAt = Now.AddSeconds(2) });
        state.Completions.Add(new CompletedNode("c", "s0"));
        state.CompensationQueue.Add(new PendingCompensation("undo-c", "c", "s0"));
        state.CompensationErrors.Add(new RunError { FlowName = "f", Error = new ErrorInfo { Type = "U", Message = "undo failed" } });
        var row = new FlowRun { CurrentState = nameof(RunStatus.Compensating) };

        RunStateStore.Store(state, row, state.Data.ToJson(), Now);
        var loaded = RunStateStore.Load(row);

        Assert.Equal(state.RunId, loaded.RunId);
        Assert.Equal((3, "step", true, "stop", 7), (loaded.Cursor, loaded.CurrentStep, loaded.StepFailed, loaded.CancelReason, loaded.ExecutionCount));
        Assert.Equal(new Text("value"), loaded.Data.Get<Text>("key"));
        Assert.Equal(["a", "b"], loaded.Open.Select(e => e.NodeName));
        Assert.Equal(state.Open[0].RetryAt, loaded.Open[0].RetryAt);
        Assert.Equal(state.Open[0].InputJson, loaded.Open[0].InputJson);
        Assert.Equal(state.Completions, loaded.Completions);
        Assert.Equal(state.CompensationQueue, loaded.CompensationQueue);
        Assert.Equal("n", loaded.Error!.NodeName);
        Assert.Equal("undo failed", Assert.Single(loaded.CompensationErrors).Error.Message);

        // The wake-up is derived from what is open: the earliest deadline or retry time.
        Assert.Equal(Now.AddSeconds(2), row.NextWakeAt);
        Assert.Equal(Now, row.UpdatedAt);
        Assert.Contains("n", row.ErrorSummary, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_changed_state_the_row_keeps_its_state_json_and_empty_lists_are_left_out()
    {
        var row = new FlowRun { StateJson = "{\"input\":null,\"values\":{}}" };
        var state = RunStateStore.Load(row);

        RunStateStore.Store(state, row, stateJson: null, Now);

        Assert.Equal("{\"input\":null,\"values\":{}}", row.StateJson);
        Assert.DoesNotContain("open", row.ProgressJson, StringComparison.Ordinal);
        Assert.DoesNotContain("completions", row.ProgressJson, StringComparison.Ordinal);
        Assert.Null(row.NextWakeAt);
    }

    [Fact]
    public void A_row_written_by_the_version_that_kept_every_attempt_in_the_row_is_refused_not_guessed_at()
    {
        var row = new FlowRun { ProgressJson = "{\"executions\":[{\"nodeName\":\"a\",\"outcome\":\"Pending\"}],\"completedNodes\":[]}" };

        var error = Assert.Throws<FormatException>(() => RunStateStore.Load(row));
        Assert.Contains("older Resolute", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_whose_progress_is_not_a_run_state_fails_with_a_format_error()
    {
        var row = new FlowRun { ProgressJson = "[1, 2" };

        var error = Assert.Throws<FormatException>(() => RunStateStore.Load(row));
        Assert.Contains("progress", error.Message, StringComparison.Ordinal);
    }
}
