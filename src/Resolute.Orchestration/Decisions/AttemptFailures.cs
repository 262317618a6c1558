using Resolute.Contracts;
using Resolute.Orchestration.Runs;

namespace Resolute.Orchestration.Decisions;

/// <summary>
/// Retries and deadlines: a failed attempt is retried as its node's <see cref="RetryPolicy"/> allows (a durable timer on
/// the run), otherwise it fails for good — its step, or, for a compensation, the compensation. Also turns attempts past
/// their deadline into failures and dispatches retries that are due.
/// </summary>
internal static class AttemptFailures
{
    /// <summary>An attempt failed as <paramref name="failure"/> says (a worker's reply, a deadline, a rejected output).</summary>
    public static void Apply(RunTurn turn, NodeExecution attempt, NodeFailed failure)
    {
        var state = turn.State;
        attempt.StartedAt = failure.StartedAt;
        attempt.WorkerId = failure.WorkerId;
        attempt.Error = failure.Error;
        turn.End(attempt, NodeExecutionOutcome.Failed, failure.FailedAt);

        var node = turn.Flow.GetNode(attempt.NodeName);
        var policy = node.RetryPolicy;
        var mayRetry = failure.Retryable
                       && policy.AllowsAnotherAttempt(attempt.Attempt)
                       && (attempt.IsCompensation || !state.StepFailed);
        turn.Publish(new FlowRunNodeFailed
        {
            RunId = state.RunId,
            FlowName = state.FlowName,
            StepName = attempt.StepName,
            NodeName = attempt.NodeName,
            Attempt = attempt.Attempt,
            ExecutionId = attempt.ExecutionId,
            IsCompensation = attempt.IsCompensation,
            Error = failure.Error,
            WillRetry = mayRetry,
            ContinuesRun = !mayRetry && !attempt.IsCompensation && node.ContinuesOnError,
            FailedAt = turn.Now,
        });

        if (mayRetry)
        {
            var next = turn.NewAttempt(attempt.NodeName, attempt.StepName, attempt.Attempt + 1, attempt.IsCompensation, attempt.CompensatesNode);
            next.InputJson = attempt.InputJson;
            next.Outcome = NodeExecutionOutcome.RetryScheduled;
            // The back-off counts from when the attempt failed, not from when its reply reached the orchestrator
            // (a worker clock running ahead cannot push the retry into the future).
            next.RetryAt = Earliest(failure.FailedAt, turn.Now) + policy.GetDelayBefore(next.Attempt);
            state.Open.Add(next);
            turn.Publish(new FlowRunRetryScheduled
            {
                RunId = state.RunId,
                FlowName = state.FlowName,
                NodeName = next.NodeName,
                NextAttempt = next.Attempt,
                DueAt = next.RetryAt.Value,
            });
            return;
        }

        var error = turn.RunError(attempt.StepName, attempt.NodeName, attempt.Attempt, failure.Error);
        if (attempt.IsCompensation)
        {
            CompensationPolicy.FailedForGood(turn, attempt, error);
        }
        else
        {
            StepJoin.FailedForGood(turn, node, error);
        }
    }

    /// <summary>Dispatches due retries and rate-limit slots, and fails attempts past their deadline; false when nothing was due.</summary>
    public static bool ApplyDueTimers(RunTurn turn)
    {
        var state = turn.State;
        var acted = false;
        foreach (var attempt in state.Open.ToList())
        {
            if (attempt.Outcome == NodeExecutionOutcome.RetryScheduled && attempt.RetryAt <= turn.Now)
            {
                acted = true;
                if (state.StepFailed && !attempt.IsCompensation)
                {
                    // The step already failed: nothing new is dispatched.
                    turn.End(attempt, NodeExecutionOutcome.Abandoned);
                }
                else
                {
                    NodeDispatcher.Dispatch(turn, attempt, turn.Flow.GetNode(attempt.NodeName));
                }
            }
            else if (attempt.Outcome == NodeExecutionOutcome.WaitingForWorker && attempt.RetryAt <= turn.Now)
            {
                acted = true;
                if (state.StepFailed && !attempt.IsCompensation)
                {
                    turn.End(attempt, NodeExecutionOutcome.Abandoned);
                }
                else
                {
                    NodeDispatcher.WorkerWaitOver(turn, attempt, turn.Flow.GetNode(attempt.NodeName));
                }
            }
            else if (attempt.Outcome == NodeExecutionOutcome.WaitingForRateLimit && attempt.WakeAt <= turn.Now)
            {
                acted = true;
                if (state.StepFailed && !attempt.IsCompensation)
                {
                    turn.End(attempt, NodeExecutionOutcome.Abandoned);
                }
                else
                {
                    NodeDispatcher.SlotDue(turn, attempt, turn.Flow.GetNode(attempt.NodeName));
                }
            }
            else if (attempt.Outcome == NodeExecutionOutcome.Pending && attempt.DeadlineAt <= turn.Now)
            {
                acted = true;
                if (StillQueued(turn, attempt) is { } lastChance)
                {
                    // No worker said it started the attempt late, and none answered: the command may still be waiting
                    // behind a backlog (a worker that takes it says so), so it is not sent again until the queue-wait
                    // limit has passed too.
                    attempt.DeadlineAt = lastChance;
                    continue;
                }

                Apply(turn, attempt, new NodeFailed
                {
                    RunId = state.RunId,
                    ExecutionId = attempt.ExecutionId,
                    NodeName = attempt.NodeName,
                    Attempt = attempt.Attempt,
                    Retryable = true,
                    Error = new ErrorInfo
                    {
                        Type = ErrorTypes.DeadlineExceeded,
                        Message = attempt.StartedAt is null && turn.Options.QueueWaitLimit > TimeSpan.Zero
                            ? $"No reply for node '{attempt.NodeName}' attempt {attempt.Attempt} by {attempt.DeadlineAt:O}, and no worker said it started it: the command waited longer than the queue-wait limit ({turn.Options.QueueWaitLimit}) plus the node's timeout and {turn.Options.DeadlineGrace.TotalSeconds:0}s grace, or was lost. The attempt counts as failed. Check that workers consume the node's task queue."
                            : $"No reply for node '{attempt.NodeName}' attempt {attempt.Attempt} by {attempt.DeadlineAt:O} (node timeout plus {turn.Options.DeadlineGrace.TotalSeconds:0}s grace); the worker may have stopped. The attempt counts as failed.",
                    },
                    StartedAt = attempt.StartedAt ?? attempt.DispatchedAt,
                    FailedAt = turn.Now,
                });
            }
        }

        return acted;
    }

    /// <summary>
    /// For an attempt past its dispatch-time deadline that no worker said it started: the last deadline its queue-wait
    /// limit allows, while that is still ahead; null when the attempt is to be counted as failed now.
    /// </summary>
    private static DateTimeOffset? StillQueued(RunTurn turn, NodeExecution attempt)
    {
        if (attempt.StartedAt is not null || turn.Options.QueueWaitLimit is not { } limit || limit <= TimeSpan.Zero)
        {
            return null;
        }

        var node = turn.Flow.GetNode(attempt.NodeName);
        var lastChance = attempt.DispatchedAt + limit + node.Timeout + turn.Options.DeadlineGrace;
        return lastChance > turn.Now ? lastChance : null;
    }

    private static DateTimeOffset Earliest(DateTimeOffset failedAt, DateTimeOffset now) => failedAt == default || failedAt > now ? now : failedAt;
}
