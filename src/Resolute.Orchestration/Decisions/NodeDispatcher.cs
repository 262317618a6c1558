using Resolute.Contracts;
using Resolute.Orchestration.Runs;

namespace Resolute.Orchestration.Decisions;

/// <summary>
/// The one exit for node commands: first attempts, retries and compensations all leave the run here, so whatever must
/// hold for every dispatch (deadlines, the command's shape, a rate-limit gate) lives in one place.
/// </summary>
internal static class NodeDispatcher
{
    /// <summary>Opens <paramref name="attempt"/> and emits its <see cref="ExecuteNode"/> to the node's task queue.</summary>
    public static void Dispatch(RunTurn turn, NodeExecution attempt, Node node)
    {
        attempt.Outcome = NodeExecutionOutcome.Pending;
        attempt.DispatchedAt = turn.Now;
        attempt.RetryAt = null;
        attempt.DeadlineAt = turn.Now + node.Timeout + turn.Options.DeadlineGrace;
        if (!turn.State.Open.Contains(attempt))
        {
            turn.State.Open.Add(attempt);
        }

        var state = turn.State;
        turn.Decision.Dispatches.Add(new NodeDispatch(turn.RegisteredFlow!.QueueOf(node), new ExecuteNode
        {
            RunId = state.RunId,
            ExecutionId = attempt.ExecutionId,
            FlowName = state.FlowName,
            FlowVersion = state.FlowVersion,
            NodeName = node.Name,
            StepName = attempt.StepName,
            Attempt = attempt.Attempt,
            IdempotencyKey = NodeContext.CreateIdempotencyKey(state.RunId, node.Name),
            InputJson = attempt.InputJson,
            IsCompensation = attempt.IsCompensation,
            Timeout = node.Timeout,
            DispatchedAt = turn.Now,
        }));
    }
}
