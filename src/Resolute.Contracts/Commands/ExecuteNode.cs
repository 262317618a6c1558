namespace Resolute.Contracts;

/// <summary>
/// The orchestrator's command to run one attempt of one node; sent to the node's task queue. A worker that does not
/// have <see cref="FlowName"/> at <see cref="FlowVersion"/> answers <see cref="NodeVersionUnavailable"/> (the attempt
/// waits for one that has it); one that has the flow but not the node answers <see cref="NodeFailed"/> (not retryable).
/// </summary>
public sealed record ExecuteNode
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>Unique per attempt; replies carry it, so a duplicate or stale reply is recognised.</summary>
    public required Guid ExecutionId { get; init; }

    /// <summary>The flow's name.</summary>
    public required string FlowName { get; init; }

    /// <summary>The flow definition's version (<c>Flow.Version</c>).</summary>
    public required string FlowVersion { get; init; }

    /// <summary>The node to run.</summary>
    public required string NodeName { get; init; }

    /// <summary>The step the node belongs to (for compensations: the step of the node being undone).</summary>
    public required string StepName { get; init; }

    /// <summary>1 for the first attempt.</summary>
    public required int Attempt { get; init; }

    /// <summary>Stable across attempts of this node in this run.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The node input as JSON, computed by the orchestrator when the node was dispatched.</summary>
    public string? InputJson { get; init; }

    /// <summary>True when this runs a compensation node.</summary>
    public bool IsCompensation { get; init; }

    /// <summary>How long the attempt may run before its token fires.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>When the orchestrator dispatched the attempt.</summary>
    public DateTimeOffset DispatchedAt { get; init; }

    /// <summary>
    /// For a rate-limited node: the start time the node's limiter reserved for this attempt. Null when the node has no
    /// rate limit. A worker echoes it in <see cref="NodeStartMissed"/> so a stale bounce is recognised.
    /// </summary>
    public DateTimeOffset? RateLimitSlot { get; init; }

    /// <summary>
    /// The latest time a worker may start the attempt; null for no limit. A worker that takes the command later does not
    /// start it. For a rate-limited node it is the end of the reserved slot's start window: the worker answers
    /// <see cref="NodeStartMissed"/> and the orchestrator reserves a new slot (this keeps a backlog from starting all at
    /// once). For any other node it is the end of the orchestrator's queue-wait limit: by then the orchestrator has
    /// counted the attempt as lost and sent a new one, so the worker drops the command without a reply.
    /// </summary>
    public DateTimeOffset? StartBy { get; init; }

    /// <summary>
    /// When the orchestrator stops waiting for the reply of an attempt started on time (dispatch + timeout + grace); null
    /// when it set no deadline. A worker that starts the attempt so late that it could end after this sends
    /// <see cref="NodeStarted"/> first, and the deadline then counts from the start.
    /// </summary>
    public DateTimeOffset? ReplyBy { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the span the attempt belongs under — its step's, or its compensation's — so that the
    /// worker's node span joins the run's trace whichever message, replica or restart dispatched it. Null when the run
    /// is not traced.
    /// </summary>
    public string? TraceParent { get; init; }
}
