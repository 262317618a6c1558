using Resolute.Contracts;

namespace Resolute.Client;

/// <summary>What a <see cref="FlowRunEvent"/> reports.</summary>
public enum FlowRunEventKind
{
    /// <summary>The run as stored when the watch began (<see cref="FlowRunEvent.Snapshot"/>; null when it does not exist yet).</summary>
    Snapshot,

    /// <summary>The run started (<see cref="FlowRunStarted"/>).</summary>
    RunStarted,

    /// <summary>An attempt was sent to its task queue (<see cref="FlowRunNodeDispatched"/>).</summary>
    NodeDispatched,

    /// <summary>A worker started an attempt (<see cref="FlowRunNodeStarted"/>).</summary>
    NodeStarted,

    /// <summary>An attempt completed (<see cref="FlowRunNodeCompleted"/>).</summary>
    NodeCompleted,

    /// <summary>An attempt failed (<see cref="FlowRunNodeFailed"/>; <see cref="FlowRunEvent.WillRetry"/> says whether another follows).</summary>
    NodeFailed,

    /// <summary>Another attempt is due at <see cref="FlowRunEvent.NextAttemptAt"/> (<see cref="FlowRunRetryScheduled"/>).</summary>
    RetryScheduled,

    /// <summary>A compensation was dispatched (<see cref="FlowRunCompensationStarted"/>).</summary>
    CompensationStarted,

    /// <summary>A compensation completed (<see cref="FlowRunCompensationCompleted"/>).</summary>
    CompensationCompleted,

    /// <summary>A compensation failed for good (<see cref="FlowRunCompensationFailed"/>).</summary>
    CompensationFailed,

    /// <summary>The run completed (<see cref="FlowRunCompleted"/>): the last event.</summary>
    RunCompleted,

    /// <summary>The run ended Failed or CompensationFailed (<see cref="FlowRunFailed"/>): the last event.</summary>
    RunFailed,

    /// <summary>The run ended Cancelled (<see cref="FlowRunFailed"/> with that status): the last event.</summary>
    RunCancelled,
}

/// <summary>
/// One item of <see cref="IFlowClient.WatchAsync"/>: a run event, flattened so a viewer can switch on
/// <see cref="Kind"/>; <see cref="Message"/> is the event as published.
/// </summary>
public sealed record FlowRunEvent
{
    /// <summary>What happened.</summary>
    public required FlowRunEventKind Kind { get; init; }

    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The flow; empty on a <see cref="FlowRunEventKind.Snapshot"/> of a run that does not exist yet.</summary>
    public string FlowName { get; init; } = string.Empty;

    /// <summary>When it happened (for a snapshot: when it was read).</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>For <see cref="FlowRunEventKind.Snapshot"/>: the run, or null when it does not exist yet.</summary>
    public FlowRunDescription? Snapshot { get; init; }

    /// <summary>The step, for node events.</summary>
    public string? StepName { get; init; }

    /// <summary>The node (for compensation events: the compensation node).</summary>
    public string? NodeName { get; init; }

    /// <summary>The attempt, for node events (for <see cref="FlowRunEventKind.RetryScheduled"/>: the attempt that will run).</summary>
    public int Attempt { get; init; }

    /// <summary>True for a compensation node's attempt.</summary>
    public bool IsCompensation { get; init; }

    /// <summary>For compensation events: the step node being undone.</summary>
    public string? ForNode { get; init; }

    /// <summary>The attempt's id, for dispatched, started, completed and failed events (keys an attempt across them).</summary>
    public Guid? ExecutionId { get; init; }

    /// <summary>The run's status, for the events that end it.</summary>
    public RunStatus? Status { get; init; }

    /// <summary>The error of a failed attempt, compensation or run.</summary>
    public ErrorInfo? Error { get; init; }

    /// <summary>For <see cref="FlowRunEventKind.NodeFailed"/>: another attempt follows.</summary>
    public bool WillRetry { get; init; }

    /// <summary>For <see cref="FlowRunEventKind.RetryScheduled"/>: when the next attempt is dispatched.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>The published event (one of the <c>FlowRun*</c> records); null for a snapshot.</summary>
    public object? Message { get; init; }

    /// <summary>True for the events after which the run has ended.</summary>
    public bool EndsRun => Kind is FlowRunEventKind.RunCompleted or FlowRunEventKind.RunFailed or FlowRunEventKind.RunCancelled
                           || (Kind == FlowRunEventKind.Snapshot && Snapshot is { HasEnded: true });
}
