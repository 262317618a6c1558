using System.Text;
using System.Text.Json;
using Resolute.Contracts;
using Resolute.Orchestration.RateLimits;
using Resolute.Orchestration.Runs;

namespace Resolute.Orchestration.Decisions;

/// <summary>
/// The front door of the run rules: a pure function of (run, message) → (changed run, decision). Each method loads the
/// run's <see cref="RunState"/> once, records what the message says through the policies (<see cref="StepJoin"/>,
/// <see cref="AttemptFailures"/>, <see cref="CompensationPolicy"/>), then lets the run <em>settle</em> — a loop, not a
/// recursion, that walks the plan, begins compensation or ends the run until it waits for a reply or a timer — and
/// stores the state once. The clock and the id source are passed in, so every rule is testable without a broker.
/// </summary>
public sealed class FlowRunDecider
{
    private readonly FlowRegistry _registry;
    private readonly TimeProvider _time;
    private readonly OrchestratorOptions _options;
    private readonly Func<Guid> _newExecutionId;

    /// <summary>Creates a decider over the flows of <paramref name="registry"/>.</summary>
    /// <param name="registry">The flows the orchestrator knows.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">Payload limits and deadline grace.</param>
    /// <param name="newExecutionId">The id source for attempts (default <see cref="Guid.NewGuid"/>).</param>
    public FlowRunDecider(FlowRegistry registry, TimeProvider time, OrchestratorOptions options, Func<Guid>? newExecutionId = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _time = time;
        _options = options;
        _newExecutionId = newExecutionId ?? Guid.NewGuid;
    }

    /// <summary>A new run: look the flow up, read the input, dispatch the first step.</summary>
    /// <param name="run">The new saga instance.</param>
    /// <param name="message">The start request.</param>
    /// <param name="trace">
    /// The run's place in its trace, taken from the start message (<see cref="Telemetry.RunTraceStart"/>); null when the run is
    /// not traced. Its start time is set here.
    /// </param>
    public FlowRunDecision Start(FlowRun run, StartFlow message, RunTrace? trace = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(message);
        var now = _time.GetUtcNow();
        run.IdempotencyKey = message.IdempotencyKey;
        run.CreatedAt = now;
        var state = new RunState { RunId = message.RunId, FlowName = message.FlowName ?? string.Empty, Status = RunStatus.Running, Trace = trace };
        if (trace is not null)
        {
            trace.StartedAt = now;
        }

        _registry.TryGet(message.FlowName ?? string.Empty, out var registered);
        var turn = new RunTurn(state, string.IsNullOrWhiteSpace(message.FlowName) ? null : registered, now, _options, _newExecutionId);
        turn.MarkDataChanged();
        state.InputFingerprint = InputFingerprint(message.InputJson);

        if (turn.RegisteredFlow is null)
        {
            state.Error = turn.RunError(null, null, 0, new ErrorInfo
            {
                Type = ErrorTypes.UnknownFlow,
                Message = string.IsNullOrWhiteSpace(message.FlowName)
                    ? $"The start request names no flow: StartFlow.FlowName is {(message.FlowName is null ? "missing" : "empty or whitespace")}. " +
                      $"Set it to the name of a flow registered with the orchestrator: {_registry.DescribeNames()}."
                    : $"No flow named '{message.FlowName}' is registered with the orchestrator. Registered flows: {_registry.DescribeNames()}. " +
                      "Register the flow with AddResolute(r => r.AddFlow(flow)) on the orchestrator, or check the name.",
            });
            RunEnding.Fail(turn, RunStatus.Failed);
            return Store(turn, run);
        }

        state.FlowVersion = turn.Flow.Version;
        if (!string.IsNullOrWhiteSpace(message.InputJson) && !TryReadInput(turn, message.InputJson))
        {
            RunEnding.Fail(turn, RunStatus.Failed);
            return Store(turn, run);
        }

        turn.Publish(new FlowRunStarted { RunId = state.RunId, FlowName = state.FlowName, FlowVersion = state.FlowVersion, StartedAt = now });
        Settle(turn);
        return Store(turn, run);
    }

    /// <summary>
    /// A start request for a run that exists. The first start wins: a repeat with the same flow and input (a retried
    /// publish, a redelivery) changes nothing; one naming another flow, or the same flow with another input, starts nothing
    /// and is recorded on the run (<see cref="RefusedStartRecord"/>) so that the sender can see why.
    /// </summary>
    /// <param name="run">The existing run (it may have ended).</param>
    /// <param name="message">The start request.</param>
    public FlowRunDecision StartAgain(FlowRun run, StartFlow message)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(message);
        var state = RunStateStore.Load(run);
        var turn = new RunTurn(state, null, _time.GetUtcNow(), _options, _newExecutionId);
        var sameFlow = string.Equals(state.FlowName, message.FlowName, StringComparison.Ordinal);
        if (sameFlow && SameInput(state, message.InputJson))
        {
            turn.Ignore("the run exists; a repeated start request with the same flow and input changes nothing");
            return turn.Decision;
        }

        if (state.RefusedStarts.Exists(r => r.RequestedAt == message.RequestedAt && r.FlowName == message.FlowName && r.IdempotencyKey == message.IdempotencyKey))
        {
            turn.Ignore("this refused start request was recorded already (a redelivery)");
            return turn.Decision;
        }

        var reason = (sameFlow, message.IdempotencyKey) switch
        {
            (false, _) =>
                $"Run id {state.RunId} is already used by a run of flow '{state.FlowName}' ({state.Status}); a StartFlow for flow '{message.FlowName}' with the same run id started nothing. " +
                "Give every new run its own run id (or leave it to IFlowClient.StartAsync).",
            (true, { } key) =>
                $"Idempotency key '{key}' was already used to start run {state.RunId} of flow '{state.FlowName}' ({state.Status}) with a different input; the first start wins and this one started nothing. " +
                "Use a new idempotency key for a new input, or read the existing run with GetRunAsync.",
            (true, null) =>
                $"Run {state.RunId} of flow '{state.FlowName}' ({state.Status}) was already started with a different input; the first start wins and this one started nothing. " +
                "Use a new run id for a new input.",
        };
        Bounded(state.RefusedStarts, new RefusedStartRecord
        {
            FlowName = message.FlowName ?? string.Empty,
            IdempotencyKey = message.IdempotencyKey,
            RequestedBy = message.RequestedBy,
            RequestedAt = message.RequestedAt,
            ReceivedAt = turn.Now,
            Reason = reason,
        });
        turn.Decision.Refusal = reason;
        return Store(turn, run);
    }

    /// <summary>A worker reports a node attempt completed.</summary>
    public FlowRunDecision NodeCompleted(FlowRun run, NodeCompleted message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Load(run) is not { } turn)
        {
            return Ended(run);
        }

        if (turn.Decision.Ignored || !TryFindPending(turn, message.ExecutionId, message.NodeName, "reply", out var attempt))
        {
            return Finish(turn, run);
        }

        var node = turn.Flow.GetNode(attempt.NodeName);
        if (message.OutputJson is { } outputJson && Encoding.UTF8.GetByteCount(outputJson) > _options.MaxPayloadBytes)
        {
            AttemptFailures.Apply(turn, attempt, RejectedOutput(message, ErrorTypes.PayloadTooLarge,
                $"Node '{node.Name}' returned {Encoding.UTF8.GetByteCount(outputJson)} bytes of output; the limit is {_options.MaxPayloadBytes} bytes (OrchestratorOptions.MaxPayloadBytes). Return a reference instead of the data."));
            return Finish(turn, run);
        }

        JsonElement output;
        try
        {
            using var document = JsonDocument.Parse(message.OutputJson ?? "null");
            output = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            AttemptFailures.Apply(turn, attempt, RejectedOutput(message, ErrorTypes.InvalidOutput, $"Node '{node.Name}' returned output that is not valid JSON: {e.Message}"));
            return Finish(turn, run);
        }

        if (attempt.IsCompensation)
        {
            CompensationPolicy.Completed(turn, attempt, message);
        }
        else
        {
            StepJoin.Completed(turn, attempt, node, message, output);
        }

        if (_options.PublishNodeEvents)
        {
            turn.Publish(new FlowRunNodeCompleted
            {
                RunId = turn.State.RunId,
                FlowName = turn.State.FlowName,
                StepName = attempt.StepName,
                NodeName = attempt.NodeName,
                Attempt = attempt.Attempt,
                ExecutionId = attempt.ExecutionId,
                IsCompensation = attempt.IsCompensation,
                WorkerId = message.WorkerId,
                StartedAt = message.StartedAt,
                CompletedAt = message.CompletedAt,
            });
        }

        return Finish(turn, run);
    }

    /// <summary>A worker started an attempt late (after a wait in its queue): the attempt's deadline counts from that start.</summary>
    public FlowRunDecision NodeStarted(FlowRun run, NodeStarted message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Load(run) is not { } turn)
        {
            return Ended(run);
        }

        if (!turn.Decision.Ignored && TryFindPending(turn, message.ExecutionId, message.NodeName, "start", out var attempt)
            && !NodeDispatcher.Started(turn, attempt, turn.Flow.GetNode(attempt.NodeName), message))
        {
            turn.Ignore($"node '{attempt.NodeName}' attempt {attempt.Attempt} was already known to have started");
        }

        return Finish(turn, run);
    }

    /// <summary>A worker reports a node attempt failed.</summary>
    public FlowRunDecision NodeFailed(FlowRun run, NodeFailed message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Load(run) is not { } turn)
        {
            return Ended(run);
        }

        if (!turn.Decision.Ignored && TryFindPending(turn, message.ExecutionId, message.NodeName, "failure", out var attempt))
        {
            AttemptFailures.Apply(turn, attempt, message);
        }

        return Finish(turn, run);
    }

    /// <summary>
    /// The limiters reserved start slots for the attempts this run asked for (<see cref="FlowRunDecision.RateLimitRequests"/>,
    /// in the same message): each attempt whose slot has come is sent, the others wait for theirs on a run timer.
    /// </summary>
    /// <param name="run">The run, as the same message's first decision stored it.</param>
    /// <param name="status">The status that decision left the run in (the row's state moves only after the message).</param>
    /// <param name="reservations">The slots.</param>
    public FlowRunDecision RateLimitSlotsReserved(FlowRun run, RunStatus status, IReadOnlyList<RateLimitReservation> reservations)
    {
        ArgumentNullException.ThrowIfNull(reservations);
        if (Load(run) is not { } turn)
        {
            return Ended(run);
        }

        turn.State.Status = status;
        turn.Decision.Status = status;

        if (turn.Decision.Ignored)
        {
            return Finish(turn, run);
        }

        var acted = false;
        foreach (var reservation in reservations)
        {
            if (turn.State.FindOpen(reservation.ExecutionId) is { Outcome: NodeExecutionOutcome.WaitingForRateLimit, RateLimitSlot: null } attempt)
            {
                acted = true;
                NodeDispatcher.SlotReserved(turn, attempt, turn.Flow.GetNode(attempt.NodeName), reservation.Slot);
            }
        }

        if (!acted)
        {
            turn.Ignore("no attempt was waiting for these rate-limit slots");
        }

        return Finish(turn, run);
    }

    /// <summary>
    /// A worker took a rate-limited attempt after its start window and did not start it: the attempt waits for a new
    /// slot (no retry is used). A bounce for an older slot than the attempt's current one is stale and ignored.
    /// </summary>
    public FlowRunDecision NodeStartMissed(FlowRun run, NodeStartMissed message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Load(run) is not { } turn)
        {
            return Ended(run);
        }

        if (turn.Decision.Ignored || !TryFindPending(turn, message.ExecutionId, message.NodeName, "missed start", out var attempt))
        {
            return Finish(turn, run);
        }

        if (attempt.RateLimitSlot != message.RateLimitSlot)
        {
            turn.Ignore($"missed start of node '{attempt.NodeName}' attempt {attempt.Attempt} names slot {message.RateLimitSlot:O}, but the attempt was sent for {attempt.RateLimitSlot:O}");
            return Finish(turn, run);
        }

        if (turn.State.StepFailed && !attempt.IsCompensation)
        {
            turn.End(attempt, NodeExecutionOutcome.Abandoned);
        }
        else
        {
            NodeDispatcher.StartMissed(turn, attempt, turn.Flow.GetNode(attempt.NodeName));
        }

        return Finish(turn, run);
    }

    /// <summary>
    /// A worker declined an attempt for lack of the run's flow version: the attempt waits for a worker that has it (sent
    /// again after a pause), it does not fail.
    /// </summary>
    public FlowRunDecision NodeVersionUnavailable(FlowRun run, NodeVersionUnavailable message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Load(run) is not { } turn)
        {
            return Ended(run);
        }

        if (!turn.Decision.Ignored && TryFindPending(turn, message.ExecutionId, message.NodeName, "version unavailable", out var attempt))
        {
            if (turn.State.StepFailed && !attempt.IsCompensation)
            {
                turn.End(attempt, NodeExecutionOutcome.Abandoned);
            }
            else
            {
                NodeDispatcher.VersionUnavailable(turn, attempt, message);
            }
        }

        return Finish(turn, run);
    }

    /// <summary>A timer fired: dispatch due retries and rate-limit slots, and count attempts past their deadline as failed.</summary>
    public FlowRunDecision Wake(FlowRun run)
    {
        if (Load(run) is not { } turn)
        {
            return Ended(run);
        }

        if (!turn.Decision.Ignored && !AttemptFailures.ApplyDueTimers(turn))
        {
            turn.Ignore("no timer was due");
        }

        return Finish(turn, run);
    }

    /// <summary>Cancel: stop dispatching, wait for running nodes, compensate completed ones, end Cancelled.</summary>
    public FlowRunDecision Cancel(FlowRun run, CancelFlowRun message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Load(run) is not { } turn)
        {
            return Ended(run);
        }

        var state = turn.State;
        if (turn.Decision.Ignored)
        {
            return Finish(turn, run);
        }

        if (state.CancelRequests.Exists(r => message.RequestId is { } id ? r.RequestId == id : r.RequestId is null && r.RequestedAt == message.RequestedAt && r.Reason == message.Reason))
        {
            turn.Ignore("this cancellation request was handled already (a redelivery)");
            return Finish(turn, run);
        }

        if (state.CancelReason is not null)
        {
            RecordCancelRequest(turn, message, CancelRequestOutcome.AlreadyCancelling, $"The run is already being cancelled ({state.CancelReason}); this request changes nothing.");
            return Store(turn, run);
        }

        if (state.Status != RunStatus.Running || state.StepFailed)
        {
            // Already failing (waiting for running siblings, or compensating): the run ends with its original error.
            var detail = $"The run is already {(state.Status == RunStatus.Compensating ? "compensating" : "failing")} after {state.Error?.ToString() ?? "a failure"}; " +
                         "it goes on to compensate the completed nodes and ends with that error (Failed, or CompensationFailed), so the cancellation changes nothing.";
            RecordCancelRequest(turn, message, CancelRequestOutcome.Declined, detail);
            turn.Decision.Refusal = $"cancellation declined: {detail}";
            return Store(turn, run);
        }

        RecordCancelRequest(turn, message, CancelRequestOutcome.Accepted, "The run is being cancelled: running nodes are told to stop, completed nodes are compensated, and it ends Cancelled.");
        state.CancelReason = string.IsNullOrWhiteSpace(message.Reason) ? "cancelled" : message.Reason;
        state.Error ??= turn.RunError(state.CurrentStep, null, 0, new ErrorInfo { Type = ErrorTypes.RunCancelled, Message = $"The run was cancelled: {state.CancelReason}" });

        // Running nodes are told to stop (their tokens fire); their replies then end the step.
        var running = state.Open.Where(e => e.Outcome == NodeExecutionOutcome.Pending).Select(e => e.ExecutionId).ToList();
        if (running.Count > 0)
        {
            turn.Publish(new CancelNodeExecutions { RunId = state.RunId, ExecutionIds = running, Reason = state.CancelReason });
        }

        state.StepFailed = true;
        return Finish(turn, run);
    }

    /// <summary>
    /// Moves the run as far as it can go without a new message: the next step when the current one joined, compensation
    /// once a failed step has nothing running, the next compensation, the end. Stops when the run waits or ended.
    /// </summary>
    private static void Settle(RunTurn turn)
    {
        var state = turn.State;
        while (true)
        {
            switch (state.Status)
            {
                case RunStatus.Running when state.StepFailed:
                    // Rule 2: running nodes are not killed, retries and rate-limited attempts not yet sent are; compensate once nothing runs.
                    foreach (var scheduled in state.Open.Where(e => !e.IsCompensation && e.Outcome is NodeExecutionOutcome.RetryScheduled or NodeExecutionOutcome.WaitingForRateLimit or NodeExecutionOutcome.WaitingForWorker).ToList())
                    {
                        turn.End(scheduled, NodeExecutionOutcome.Abandoned);
                    }

                    if (state.HasOpenStepAttempt)
                    {
                        return;
                    }

                    CompensationPolicy.Begin(turn);
                    continue;

                case RunStatus.Running:
                    if (state.HasOpenStepAttempt)
                    {
                        return;
                    }

                    // The step joined (or the run just started): walk on. Loops again only when nothing was dispatched
                    // (a step failed before dispatch, or all its nodes were best-effort and skipped).
                    PlanWalker.Advance(turn);
                    continue;

                case RunStatus.Compensating:
                    if (state.Open.Count == 0 && !CompensationPolicy.DispatchNext(turn))
                    {
                        RunEnding.AfterCompensation(turn);
                    }

                    return;

                default:
                    return;
            }
        }
    }

    private static void RecordCancelRequest(RunTurn turn, CancelFlowRun message, CancelRequestOutcome outcome, string detail) =>
        Bounded(turn.State.CancelRequests, new CancelRequestRecord
        {
            RequestId = message.RequestId,
            Reason = message.Reason,
            RequestedAt = message.RequestedAt,
            ReceivedAt = turn.Now,
            StatusAtRequest = turn.State.Status,
            Outcome = outcome,
            Detail = detail,
        });

    private static void Bounded<T>(List<T> records, T record)
    {
        records.Add(record);
        if (records.Count > RunState.MaxRecordedRequests)
        {
            records.RemoveRange(0, records.Count - RunState.MaxRecordedRequests);
        }
    }

    private static string? InputFingerprint(string? inputJson) =>
        string.IsNullOrWhiteSpace(inputJson) ? null : Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(inputJson)));

    /// <summary>
    /// True when <paramref name="inputJson"/> is the input the run was started with: the same text, or the same JSON value
    /// (whitespace and property order aside).
    /// </summary>
    private static bool SameInput(RunState state, string? inputJson)
    {
        var fingerprint = InputFingerprint(inputJson);
        if (fingerprint == state.InputFingerprint)
        {
            return true;
        }

        if (fingerprint is null || state.Data.Input is not { } stored)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(inputJson!);
            return JsonElement.DeepEquals(stored, document.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private bool TryReadInput(RunTurn turn, string inputJson)
    {
        var size = Encoding.UTF8.GetByteCount(inputJson);
        if (size > _options.MaxPayloadBytes)
        {
            turn.State.Error = turn.RunError(null, null, 0, new ErrorInfo
            {
                Type = ErrorTypes.PayloadTooLarge,
                Message = $"The run input is {size} bytes; the limit is {_options.MaxPayloadBytes} bytes (OrchestratorOptions.MaxPayloadBytes). Pass a reference (an id, a blob URL) instead of the data.",
            });
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(inputJson);
            turn.State.Data = new FlowState(document.RootElement);
            return true;
        }
        catch (JsonException e)
        {
            turn.State.Error = turn.RunError(null, null, 0, new ErrorInfo { Type = ErrorTypes.InvalidInput, Message = $"The run input is not valid JSON: {e.Message} Send StartFlow.InputJson as JSON text (an object, array or value), or null for no input." });
            return false;
        }
    }

    /// <summary>
    /// The turn for a message about an existing run; null when the run already ended. A run whose flow (version) this
    /// orchestrator does not have is failed with a clear error instead of guessed at.
    /// </summary>
    private RunTurn? Load(FlowRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Status.HasEnded())
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var state = RunStateStore.Load(run);
        if (_registry.TryGet(run.FlowName, run.FlowVersion, out var registered))
        {
            return new RunTurn(state, registered, now, _options, _newExecutionId);
        }

        var turn = new RunTurn(state, null, now, _options, _newExecutionId);
        state.Error ??= turn.RunError(state.CurrentStep, null, 0, new ErrorInfo
        {
            Type = ErrorTypes.FlowVersionMismatch,
            Message = !_registry.TryGet(run.FlowName, out _)
                ? $"Flow '{run.FlowName}' is no longer registered with this orchestrator (registered: {_registry.DescribeNames()})."
                : $"Run follows flow '{run.FlowName}' version {run.FlowVersion}, but this orchestrator has versions {_registry.DescribeVersions(run.FlowName)}. " +
                  "Keep the old definition registered with AddPreviousFlowVersion until its runs end.",
        });
        RunEnding.Fail(turn, RunStatus.Failed);
        turn.Ignore("the run's flow version is not registered; the run was failed");
        return turn;
    }

    private static FlowRunDecision Ended(FlowRun run) => new()
    {
        Status = run.Status,
        Ignored = true,
        IgnoredReason = $"the run already ended {run.Status}",
    };

    /// <summary>Settles the run (unless the message was ignored) and stores it once.</summary>
    private static FlowRunDecision Finish(RunTurn turn, FlowRun run)
    {
        if (turn.Decision.Ignored && turn.State.Status == run.Status)
        {
            return turn.Decision;
        }

        Settle(turn);
        return Store(turn, run);
    }

    private static FlowRunDecision Store(RunTurn turn, FlowRun run)
    {
        RunStateStore.Store(turn.State, run, turn.DataChanged ? turn.StateJson : null, turn.Now);
        turn.Decision.Status = turn.State.Status;
        return turn.Decision;
    }

    /// <summary>The pending attempt a worker's message is about; a reply for an unknown or already ended attempt is ignored.</summary>
    private static bool TryFindPending(RunTurn turn, Guid executionId, string nodeName, string kind,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NodeExecution? attempt)
    {
        attempt = turn.State.FindOpen(executionId);
        if (attempt is { Outcome: NodeExecutionOutcome.Pending })
        {
            return true;
        }

        turn.Ignore(attempt is null
            ? $"{kind} for unknown or already ended execution {executionId} of node '{nodeName}'"
            : $"{kind} for node '{attempt.NodeName}' attempt {attempt.Attempt} that is not running ({attempt.Outcome})");
        attempt = null;
        return false;
    }

    /// <summary>A completed attempt whose output the orchestrator cannot accept counts as a non-retryable failure.</summary>
    private static NodeFailed RejectedOutput(NodeCompleted message, string type, string text) => new()
    {
        RunId = message.RunId,
        ExecutionId = message.ExecutionId,
        NodeName = message.NodeName,
        Attempt = message.Attempt,
        Retryable = false,
        Error = new ErrorInfo { Type = type, Message = text },
        StartedAt = message.StartedAt,
        FailedAt = message.CompletedAt,
        WorkerId = message.WorkerId,
    };
}
