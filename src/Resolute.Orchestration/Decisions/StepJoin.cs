using System.Text.Json;
using Resolute.Contracts;
using Resolute.Orchestration.Runs;
using Resolute.Serialization;

namespace Resolute.Orchestration.Decisions;

/// <summary>
/// Joining a step: a completed node's output goes into the state; a node that failed for good fails its step — at
/// the first error, which becomes the run's error — unless the node is best-effort, whose failure the step tolerates.
/// Whether the step is done (nothing open) is the front door's question, asked after every message.
/// </summary>
internal static class StepJoin
{
    /// <summary>A step node's attempt completed with <paramref name="output"/>.</summary>
    public static void Completed(RunTurn turn, NodeExecution attempt, Node node, NodeCompleted reply, JsonElement output)
    {
        attempt.StartedAt = reply.StartedAt;
        attempt.WorkerId = reply.WorkerId;
        turn.End(attempt, NodeExecutionOutcome.Completed, reply.CompletedAt);
        turn.State.Data.SetJson(node.OutputKey, output, ResoluteJson.TypeName(node.OutputType));
        turn.MarkDataChanged();
        turn.State.Completions.Add(new CompletedNode(node.Name, attempt.StepName));
    }

    /// <summary>A step node failed after its retries (its <see cref="FlowRunNodeFailed"/> event is already out).</summary>
    public static void FailedForGood(RunTurn turn, Node node, RunError error)
    {
        if (node.ContinuesOnError)
        {
            // Best-effort: the step goes on; the error stays in the attempt's history row and the event.
            return;
        }

        // Rule 1: the step fails at the first error; only that error becomes the run's error.
        turn.State.Error ??= error;
        turn.State.StepFailed = true;
    }

    /// <summary>A failure found by the orchestrator itself (input, predicate): no retry; the step fails at once.</summary>
    public static void FailBeforeDispatch(RunTurn turn, string stepName, string? nodeName, ErrorInfo error)
    {
        turn.State.Error ??= turn.RunError(stepName, nodeName, nodeName is null ? 0 : 1, error);
        turn.State.StepFailed = true;
    }

    /// <summary>A best-effort node whose input could not be computed: recorded as a failed attempt, not dispatched.</summary>
    public static void SkipBestEffort(RunTurn turn, string stepName, Node node, ErrorInfo error)
    {
        var attempt = turn.NewAttempt(node.Name, stepName, 1);
        attempt.Error = error;
        turn.End(attempt, NodeExecutionOutcome.Failed);
        turn.Publish(new FlowRunNodeFailed
        {
            RunId = turn.State.RunId,
            FlowName = turn.State.FlowName,
            StepName = stepName,
            NodeName = node.Name,
            Attempt = 1,
            ExecutionId = attempt.ExecutionId,
            Error = error,
            ContinuesRun = true,
            FailedAt = turn.Now,
        });
    }
}
