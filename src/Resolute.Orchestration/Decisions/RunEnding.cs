using Resolute.Contracts;
using Resolute.Orchestration.Runs;

namespace Resolute.Orchestration.Decisions;

/// <summary>Ending a run: Completed when the plan ran out; Failed, CompensationFailed or Cancelled otherwise.</summary>
internal static class RunEnding
{
    /// <summary>Every step completed.</summary>
    public static void Complete(RunTurn turn)
    {
        var state = turn.State;
        state.Status = RunStatus.Completed;
        state.EndedAt = turn.Now;
        state.CurrentStep = null;
        RunTracing.RunEnded(turn);
        turn.Publish(new FlowRunCompleted
        {
            RunId = state.RunId,
            FlowName = state.FlowName,
            StateJson = turn.StateJson,
            CompletedAt = turn.Now,
        });
    }

    /// <summary>Compensation is over: the run ends with its original error (and the compensations' errors, if any).</summary>
    public static void AfterCompensation(RunTurn turn)
    {
        var state = turn.State;
        var status = state.CompensationErrors.Count > 0
            ? RunStatus.CompensationFailed
            : state.CancelReason is not null ? RunStatus.Cancelled : RunStatus.Failed;
        Fail(turn, status);
    }

    /// <summary>Ends the run with <paramref name="status"/>; attempts still open are abandoned.</summary>
    public static void Fail(RunTurn turn, RunStatus status)
    {
        var state = turn.State;
        foreach (var open in state.Open.ToList())
        {
            turn.End(open, NodeExecutionOutcome.Abandoned);
        }

        state.Status = status;
        state.EndedAt = turn.Now;
        RunTracing.RunEnded(turn);
        turn.Publish(new FlowRunFailed
        {
            RunId = state.RunId,
            FlowName = state.FlowName,
            Status = status,
            Error = state.Error ?? new RunError { FlowName = state.FlowName, Error = new ErrorInfo { Type = ErrorTypes.Unknown, Message = "The run failed." } },
            CompensationErrors = state.CompensationErrors.ToList(),
            FailedAt = turn.Now,
        });
        if (status == RunStatus.Cancelled)
        {
            turn.Publish(new FlowRunCancelled { RunId = state.RunId, FlowName = state.FlowName, Reason = state.CancelReason, CancelledAt = turn.Now });
        }
    }
}
