using Resolute.Contracts;
using Resolute.Orchestration.RateLimits;
using Resolute.Orchestration.Runs;

namespace Resolute.Orchestration.Decisions;

/// <summary>
/// The one exit for node commands: first attempts, retries and compensations all leave the run here, so whatever must
/// hold for every dispatch (deadlines, the command's shape, the rate-limit gate) lives in one place.
/// </summary>
internal static class NodeDispatcher
{
    /// <summary>
    /// Opens <paramref name="attempt"/>. A node without a rate limit is sent to its task queue at once; a rate-limited
    /// one waits (<see cref="NodeExecutionOutcome.WaitingForRateLimit"/>) for the slot its limiter reserves — asked for
    /// in <see cref="FlowRunDecision.RateLimitRequests"/> and handed back to <see cref="SlotReserved"/>. Retries go
    /// through here too, so every attempt takes a token: each one calls the limited service again.
    /// </summary>
    public static void Dispatch(RunTurn turn, NodeExecution attempt, Node node)
    {
        if (!turn.State.Open.Contains(attempt))
        {
            turn.State.Open.Add(attempt);
        }

        if (attempt.Outcome == NodeExecutionOutcome.RetryScheduled)
        {
            // The back-off is over (DispatchedAt is when the retry was decided).
            RunTracing.WaitEnded(turn, attempt, WaitKinds.Retry, attempt.DispatchedAt, "Dispatched");
        }

        if (NodeRateLimit.Of(turn.Flow, node) is { } limit)
        {
            Wait(turn, attempt, limit);
            return;
        }

        Send(turn, attempt, node, null, null);
    }

    /// <summary>The limiter reserved <paramref name="slot"/> for a waiting attempt: send it if the slot has come, else wait for it (a run timer).</summary>
    public static void SlotReserved(RunTurn turn, NodeExecution attempt, Node node, DateTimeOffset slot)
    {
        attempt.RateLimitSlot = slot;
        if (slot <= turn.Now)
        {
            Send(turn, attempt, node, slot, slot + NodeRateLimit.Of(turn.Flow, node)!.StartWindow);
        }
    }

    /// <summary>
    /// A waiting attempt's slot is due (a run timer): send it while its start window is open; if the window already closed
    /// (no orchestrator was up to send it), ask for a new slot rather than start late and crowd the next ones.
    /// </summary>
    public static void SlotDue(RunTurn turn, NodeExecution attempt, Node node)
    {
        var limit = NodeRateLimit.Of(turn.Flow, node)!;
        if (attempt.RateLimitSlot is { } slot && turn.Now < slot + limit.StartWindow)
        {
            Send(turn, attempt, node, slot, slot + limit.StartWindow);
            return;
        }

        Wait(turn, attempt, limit);
    }

    /// <summary>
    /// A worker started the attempt late (<see cref="NodeStarted"/>): its deadline counts from that start, so a wait in the
    /// queue does not count against the node's timeout. False when the attempt was already known to have started.
    /// </summary>
    public static bool Started(RunTurn turn, NodeExecution attempt, Node node, NodeStarted started)
    {
        if (attempt.StartedAt is not null)
        {
            return false;
        }

        // A worker clock ahead of ours cannot push the deadline further than our own now allows.
        var at = started.StartedAt > turn.Now ? turn.Now : started.StartedAt < attempt.DispatchedAt ? attempt.DispatchedAt : started.StartedAt;
        attempt.StartedAt = at;
        attempt.WorkerId = started.WorkerId;
        var deadline = at + node.Timeout + turn.Options.DeadlineGrace;
        if (attempt.DeadlineAt is null || deadline > attempt.DeadlineAt)
        {
            attempt.DeadlineAt = deadline;
        }

        return true;
    }

    /// <summary>The longest pause before an attempt declined for its flow version is sent again.</summary>
    internal static readonly TimeSpan MaxWorkerWaitPause = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A worker declined the attempt: it has neither the run's flow version nor a previous one kept registered (a rolling
    /// upgrade in progress). The attempt waits — visible in the run's status, with the reason — and is sent again after a
    /// pause that doubles with each decline (1 s, 2 s, 4 s … up to 30 s), so the broker can hand it to a worker that has
    /// the version. It is not a failure and takes no retry.
    /// </summary>
    public static void VersionUnavailable(RunTurn turn, NodeExecution attempt, NodeVersionUnavailable declined)
    {
        attempt.Outcome = NodeExecutionOutcome.WaitingForWorker;
        attempt.WorkerWaitingSince ??= turn.Now;
        attempt.WorkerDeclines++;
        attempt.StartedAt = null;
        attempt.DeadlineAt = null;
        var pause = TimeSpan.FromSeconds(Math.Pow(2, Math.Min(attempt.WorkerDeclines - 1, 5)));
        attempt.RetryAt = turn.Now + (pause < MaxWorkerWaitPause ? pause : MaxWorkerWaitPause);
        attempt.Error = new ErrorInfo
        {
            Type = ErrorTypes.FlowVersionUnavailable,
            Message = $"Waiting for a worker with flow '{turn.State.FlowName}' version {declined.FlowVersion} on queue '{declined.TaskQueue}': " +
                      $"worker '{declined.WorkerId}' has {declined.Reason}. Declined {attempt.WorkerDeclines} time(s) since {attempt.WorkerWaitingSince:O}; sent again at {attempt.RetryAt:O}. " +
                      "Deploy this version to the queue's workers (or keep it registered there with AddPreviousFlowVersion).",
        };
    }

    /// <summary>A declined attempt's pause is over: it is sent again (same execution, same attempt number).</summary>
    public static void WorkerWaitOver(RunTurn turn, NodeExecution attempt, Node node)
    {
        attempt.Error = null;
        attempt.RetryAt = null;
        Dispatch(turn, attempt, node);
    }

    /// <summary>A worker took the attempt after its start window: it waits again, for a new slot.</summary>
    public static void StartMissed(RunTurn turn, NodeExecution attempt, Node node)
    {
        if (NodeRateLimit.Of(turn.Flow, node) is { } limit)
        {
            Wait(turn, attempt, limit);
        }
    }

    private static void Wait(RunTurn turn, NodeExecution attempt, NodeRateLimit limit)
    {
        attempt.Outcome = NodeExecutionOutcome.WaitingForRateLimit;
        attempt.WaitingSince ??= turn.Now;
        attempt.RateLimitSlot = null;
        attempt.RetryAt = null;
        attempt.DeadlineAt = null;
        turn.Decision.RateLimitRequests.Add(new RateLimitRequest(attempt.ExecutionId, limit.Key, limit.Interval, turn.Now));
    }

    private static void Send(RunTurn turn, NodeExecution attempt, Node node, DateTimeOffset? slot, DateTimeOffset? startBy)
    {
        if (attempt.WaitingSince is { } since)
        {
            attempt.RateLimitWait += turn.Now - since;
            attempt.WaitingSince = null;
            RunTracing.WaitEnded(turn, attempt, WaitKinds.RateLimit, since, "Dispatched");
        }

        attempt.Outcome = NodeExecutionOutcome.Pending;
        attempt.DispatchedAt = turn.Now;
        attempt.RetryAt = null;
        attempt.StartedAt = null;
        attempt.DeadlineAt = turn.Now + node.Timeout + turn.Options.DeadlineGrace;
        var queueWait = turn.Options.QueueWaitLimit ?? TimeSpan.Zero;
        if (startBy is null && queueWait > TimeSpan.Zero)
        {
            startBy = turn.Now + queueWait;
        }

        var state = turn.State;
        var queue = turn.RegisteredFlow!.QueueOf(node);
        if (turn.Options.PublishNodeEvents)
        {
            turn.Publish(new FlowRunNodeDispatched
            {
                RunId = state.RunId,
                FlowName = state.FlowName,
                StepName = attempt.StepName,
                NodeName = node.Name,
                Attempt = attempt.Attempt,
                ExecutionId = attempt.ExecutionId,
                IsCompensation = attempt.IsCompensation,
                TaskQueue = queue,
                DispatchedAt = turn.Now,
            });
        }

        turn.Decision.Dispatches.Add(new NodeDispatch(queue, new ExecuteNode
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
            RateLimitSlot = slot,
            StartBy = startBy,
            ReplyBy = attempt.DeadlineAt,
            TraceParent = RunTracing.TraceParentOf(turn, attempt),
        }));
    }
}
