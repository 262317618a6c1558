using Resolute.Contracts;
using Resolute.Orchestration.Runs;

namespace Resolute.Orchestration.Decisions;

/// <summary>
/// Compensation (BRIEF §3, rules 3–4): every step node that completed and has <c>OnError</c> is compensated, one at a
/// time, in reverse completion order; a compensation that fails for good is recorded and the others still run.
/// </summary>
internal static class CompensationPolicy
{
    /// <summary>Queues the compensations and moves the run to Compensating.</summary>
    public static void Begin(RunTurn turn)
    {
        var state = turn.State;
        RunTracing.StepEnded(turn);
        state.CompensationQueue.Clear();
        for (var i = state.Completions.Count - 1; i >= 0; i--)
        {
            var completed = state.Completions[i];
            if (turn.Flow.GetNode(completed.NodeName).Compensation is { } compensation)
            {
                state.CompensationQueue.Add(new PendingCompensation(compensation.Name, completed.NodeName, completed.StepName));
            }
        }

        state.Status = RunStatus.Compensating;
    }

    /// <summary>Dispatches the next compensation whose input can be computed; false when none is left.</summary>
    public static bool DispatchNext(RunTurn turn)
    {
        var state = turn.State;
        while (state.CompensationQueue.Count > 0)
        {
            var next = state.CompensationQueue[0];
            state.CompensationQueue.RemoveAt(0);
            var node = turn.Flow.GetNode(next.CompensationNode);
            var attempt = turn.NewAttempt(node.Name, next.StepName, 1, isCompensation: true, compensatesNode: next.ForNode);
            RunTracing.CompensationBegan(turn, node.Name);
            if (!NodeInputs.TryCompute(turn, node, out var json, out var error))
            {
                attempt.Error = error;
                turn.End(attempt, NodeExecutionOutcome.Failed);
                state.CompensationErrors.Add(turn.RunError(next.StepName, node.Name, 1, error!));
                RunTracing.CompensationEnded(turn, "Failed", next.ForNode, error);
                continue;
            }

            attempt.InputJson = json;
            NodeDispatcher.Dispatch(turn, attempt, node);
            turn.Publish(new FlowRunCompensationStarted
            {
                RunId = state.RunId,
                FlowName = state.FlowName,
                CompensationNode = node.Name,
                ForNode = next.ForNode,
                StartedAt = turn.Now,
            });
            return true;
        }

        return false;
    }

    /// <summary>A compensation attempt completed.</summary>
    public static void Completed(RunTurn turn, NodeExecution attempt, NodeCompleted reply)
    {
        attempt.StartedAt = reply.StartedAt;
        attempt.WorkerId = reply.WorkerId;
        turn.End(attempt, NodeExecutionOutcome.Completed, reply.CompletedAt);
        RunTracing.CompensationEnded(turn, "Completed", attempt.CompensatesNode ?? string.Empty, null);
        turn.Publish(new FlowRunCompensationCompleted
        {
            RunId = turn.State.RunId,
            FlowName = turn.State.FlowName,
            CompensationNode = attempt.NodeName,
            ForNode = attempt.CompensatesNode ?? string.Empty,
            CompletedAt = turn.Now,
        });
    }

    /// <summary>A compensation failed after its retries: recorded; the run will end CompensationFailed.</summary>
    public static void FailedForGood(RunTurn turn, NodeExecution attempt, RunError error)
    {
        turn.State.CompensationErrors.Add(error);
        RunTracing.CompensationEnded(turn, "Failed", attempt.CompensatesNode ?? string.Empty, error.Error);
        turn.Publish(new FlowRunCompensationFailed
        {
            RunId = turn.State.RunId,
            FlowName = turn.State.FlowName,
            CompensationNode = attempt.NodeName,
            ForNode = attempt.CompensatesNode ?? string.Empty,
            Error = error,
        });
    }
}
