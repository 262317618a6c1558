using MassTransit;
using Microsoft.Extensions.Logging;
using Resolute.Contracts;
using Resolute.Orchestration.Decisions;
using Resolute.Orchestration.RateLimits;
using Resolute.Orchestration.Runs;
using Resolute.Orchestration.Telemetry;
using Resolute.Orchestration.Timers;

namespace Resolute.Orchestration.Sagas;

/// <summary>
/// The saga that tracks every run: one instance per run id. Its handlers are thin — each calls the
/// <see cref="FlowRunDecider"/> and carries out the decision: send node commands to their task queues, publish run
/// events, move to the new status. States are named after <see cref="RunStatus"/>.
/// </summary>
public sealed class FlowRunStateMachine : MassTransitStateMachine<FlowRun>
{
    private readonly FlowRunDecider _decider;
    private readonly ILogger<FlowRunStateMachine> _logger;
    private readonly IFlowRunEmitter _emitter;
    private readonly IFlowRunHistory _history;
    private readonly IRateLimitLedger _rateLimits;
    private readonly FlowRunMetrics? _metrics;

    /// <summary>Builds the state machine.</summary>
    /// <param name="decider">The run rules.</param>
    /// <param name="emitter">Sends the commands and events a decision asks for.</param>
    /// <param name="history">Stores attempts that ended.</param>
    /// <param name="rateLimits">Reserves rate-limit slots.</param>
    /// <param name="logger">The saga's logger; every message is logged in a scope with the run id and flow.</param>
    /// <param name="metrics">Run counters and durations; null to record none.</param>
    public FlowRunStateMachine(FlowRunDecider decider, IFlowRunEmitter emitter, IFlowRunHistory history, IRateLimitLedger rateLimits, ILogger<FlowRunStateMachine> logger, FlowRunMetrics? metrics = null)
    {
        _metrics = metrics;
        _decider = decider;
        _emitter = emitter;
        _history = history;
        _rateLimits = rateLimits;
        _logger = logger;

        InstanceState(x => x.CurrentState);

        Event(() => StartRequested, e => e.CorrelateById(c => c.Message.RunId));
        // A reply with no run means something is wrong (a worker of another environment on this broker, a deleted run):
        // it goes to the error queue saying so, never dropped, and changes no run. Commands leave only after their run
        // committed, so a reply never overtakes its run's insert.
        Event(() => NodeCompletedReceived, e =>
        {
            e.CorrelateById(c => c.Message.RunId);
            e.OnMissingInstance(m => m.ExecuteAsync(c => throw new ReplyForUnknownRunException(nameof(NodeCompleted), c.Message.RunId, c.Message.NodeName, c.Message.ExecutionId)));
        });
        Event(() => NodeFailedReceived, e =>
        {
            e.CorrelateById(c => c.Message.RunId);
            e.OnMissingInstance(m => m.ExecuteAsync(c => throw new ReplyForUnknownRunException(nameof(NodeFailed), c.Message.RunId, c.Message.NodeName, c.Message.ExecutionId)));
        });
        Event(() => NodeStartMissedReceived, e =>
        {
            e.CorrelateById(c => c.Message.RunId);
            e.OnMissingInstance(m => m.ExecuteAsync(c => throw new ReplyForUnknownRunException(nameof(NodeStartMissed), c.Message.RunId, c.Message.NodeName, c.Message.ExecutionId)));
        });
        Event(() => NodeStartedReceived, e =>
        {
            e.CorrelateById(c => c.Message.RunId);
            e.OnMissingInstance(m => m.ExecuteAsync(c => throw new ReplyForUnknownRunException(nameof(NodeStarted), c.Message.RunId, c.Message.NodeName, c.Message.ExecutionId)));
        });
        Event(() => NodeVersionUnavailableReceived, e =>
        {
            e.CorrelateById(c => c.Message.RunId);
            e.OnMissingInstance(m => m.ExecuteAsync(c => throw new ReplyForUnknownRunException(nameof(NodeVersionUnavailable), c.Message.RunId, c.Message.NodeName, c.Message.ExecutionId)));
        });
        Event(() => WakeReceived, e =>
        {
            e.CorrelateById(c => c.Message.RunId);
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => CancelRequested, e =>
        {
            e.CorrelateById(c => c.Message.RunId);
            e.OnMissingInstance(m => m.Discard());
        });

        Initially(
            When(StartRequested).ThenAsync(c => Handle(c, () => _decider.Start(c.Saga, c.Message, RunTraceStart.Begin(c)))));

        DuringAny(
            When(StartRequested).ThenAsync(c => Handle(c, () => _decider.StartAgain(c.Saga, c.Message))),
            When(NodeCompletedReceived).ThenAsync(c => Handle(c, () => _decider.NodeCompleted(c.Saga, c.Message))),
            When(NodeFailedReceived).ThenAsync(c => Handle(c, () => _decider.NodeFailed(c.Saga, c.Message))),
            When(NodeStartedReceived).ThenAsync(c => Handle(c, () => _decider.NodeStarted(c.Saga, c.Message))),
            When(NodeStartMissedReceived).ThenAsync(c => Handle(c, () => _decider.NodeStartMissed(c.Saga, c.Message))),
            When(NodeVersionUnavailableReceived).ThenAsync(c => Handle(c, () => _decider.NodeVersionUnavailable(c.Saga, c.Message))),
            When(WakeReceived).ThenAsync(c => Handle(c, () => _decider.Wake(c.Saga))),
            When(CancelRequested).ThenAsync(c => Handle(c, () => _decider.Cancel(c.Saga, c.Message))));
    }

    /// <summary>Accepted, not started.</summary>
    public State Pending { get; private set; } = null!;

    /// <summary>Dispatching and running steps.</summary>
    public State Running { get; private set; } = null!;

    /// <summary>Running compensations.</summary>
    public State Compensating { get; private set; } = null!;

    /// <summary>Ended: every step completed.</summary>
    public State Completed { get; private set; } = null!;

    /// <summary>Ended: a node failed; compensations succeeded.</summary>
    public State Failed { get; private set; } = null!;

    /// <summary>Ended: a node failed and a compensation failed too.</summary>
    public State CompensationFailed { get; private set; } = null!;

    /// <summary>Ended: cancelled on request.</summary>
    public State Cancelled { get; private set; } = null!;

    /// <summary>A start request.</summary>
    public Event<StartFlow> StartRequested { get; private set; } = null!;

    /// <summary>A node attempt completed.</summary>
    public Event<NodeCompleted> NodeCompletedReceived { get; private set; } = null!;

    /// <summary>A node attempt failed.</summary>
    public Event<NodeFailed> NodeFailedReceived { get; private set; } = null!;

    /// <summary>A worker took a rate-limited attempt after its start window.</summary>
    public Event<NodeStartMissed> NodeStartMissedReceived { get; private set; } = null!;

    /// <summary>A worker started an attempt late.</summary>
    public Event<NodeStarted> NodeStartedReceived { get; private set; } = null!;

    /// <summary>A worker declined an attempt for lack of its flow version.</summary>
    public Event<NodeVersionUnavailable> NodeVersionUnavailableReceived { get; private set; } = null!;

    /// <summary>A timer of the run is due.</summary>
    public Event<WakeFlowRun> WakeReceived { get; private set; } = null!;

    /// <summary>A cancellation request.</summary>
    public Event<CancelFlowRun> CancelRequested { get; private set; } = null!;

    /// <summary>
    /// Decision, history, emission, transition — the same for every message. There is no inbox: a redelivered message is
    /// recognised by the run itself (a reply names an attempt that is no longer open, a start finds the run, a wake finds
    /// nothing due, a cancel finds the run cancelling), so it changes nothing and emits nothing.
    /// </summary>
    private async Task Handle<TMessage>(BehaviorContext<FlowRun, TMessage> context, Func<FlowRunDecision> decide)
        where TMessage : class
    {
        var statusBefore = string.IsNullOrEmpty(context.Saga.CurrentState) || context.Saga.CurrentState == Initial.Name ? (RunStatus?)null : context.Saga.Status;
        using var scope = FlowRunLog.RunScope(_logger, context.Saga.CorrelationId, context.Saga.FlowName.Length > 0 ? context.Saga.FlowName : (context.Message as StartFlow)?.FlowName);
        var decision = decide();
        if (decision.RateLimitRequests.Count > 0)
        {
            // Slots are reserved in this message's transaction, after the rules ran, so the limiter rows stay locked only
            // for the commit; the rules then send what is due and put the rest on the run's timer.
            var slots = await _rateLimits.ReserveAsync(context, decision.RateLimitRequests, context.CancellationToken).ConfigureAwait(false);
            decision = decision.Then(_decider.RateLimitSlotsReserved(context.Saga, decision.Status, slots));
        }

        if (decision.Ignored)
        {
            FlowRunLog.Ignored(_logger, context.Saga.CorrelationId, typeof(TMessage).Name, decision.IgnoredReason);
        }

        if (decision.Refusal is { } refusal)
        {
            FlowRunLog.Refused(_logger, context.Saga.CorrelationId, typeof(TMessage).Name, refusal);
        }

        if (decision.EndedExecutions.Count > 0)
        {
            await _history.RecordAsync(context, decision.EndedExecutions).ConfigureAwait(false);
        }

        await _emitter.EmitAsync(context, decision).ConfigureAwait(false);

        // Armed on the timer loop once this transaction committed, so the retry or deadline fires on time.
        RunAfterCommit.NoteWake(context, context.Saga.NextWakeAt);

        // Spans and metrics too are reported only once the transaction committed (a retried message reports once).
        var started = statusBefore is null && !decision.Ignored;
        var ended = statusBefore?.HasEnded() != true && decision.Status.HasEnded();
        if (started || ended || decision.Spans.Count > 0 || decision.RateLimitWaits.Count > 0)
        {
            RunAfterCommit.NoteTelemetry(context, new RunTelemetryReport(
                context.Saga.FlowName,
                started,
                ended ? decision.Status : null,
                ended ? (context.Saga.EndedAt ?? context.Saga.UpdatedAt) - context.Saga.CreatedAt : TimeSpan.Zero,
                decision.Spans,
                decision.RateLimitWaits), _metrics);
        }

        var target = StateOf(decision.Status);
        if (!Equals(context.Saga.CurrentState, target.Name))
        {
            await context.TransitionToState(target).ConfigureAwait(false);
            FlowRunLog.StatusChanged(_logger, context.Saga.CorrelationId, context.Saga.FlowName, decision.Status);
        }
    }

    private State StateOf(RunStatus status) => status switch
    {
        RunStatus.Pending => Pending,
        RunStatus.Running => Running,
        RunStatus.Compensating => Compensating,
        RunStatus.Completed => Completed,
        RunStatus.Failed => Failed,
        RunStatus.CompensationFailed => CompensationFailed,
        RunStatus.Cancelled => Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown run status."),
    };
}
