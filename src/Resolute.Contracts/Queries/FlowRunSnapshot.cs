namespace Resolute.Contracts;

/// <summary>Response: a run as stored by the orchestrator.</summary>
public sealed record FlowRunSnapshot
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The flow.</summary>
    public required string FlowName { get; init; }

    /// <summary>The flow version, or empty when the flow was unknown.</summary>
    public string FlowVersion { get; init; } = string.Empty;

    /// <summary>The status.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>The step running now (or the last one).</summary>
    public string? CurrentStep { get; init; }

    /// <summary>The FlowState as JSON (<c>FlowState.FromJson</c> reads it).</summary>
    public string? StateJson { get; init; }

    /// <summary>The original error of a failed run.</summary>
    public RunError? Error { get; init; }

    /// <summary>Errors of compensations that failed.</summary>
    public IReadOnlyList<RunError> CompensationErrors { get; init; } = [];

    /// <summary>Every node execution of the run, in dispatch order.</summary>
    public IReadOnlyList<NodeExecutionRecord> History { get; init; } = [];

    /// <summary>When the run was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When it ended, if it has.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>
    /// The run's OpenTelemetry trace id (32 hex digits), to open the run in Jaeger (<c>/trace/{TraceId}</c>); null when
    /// the run was not traced (no tracer listened to Resolute's source when it started).
    /// </summary>
    public string? TraceId { get; init; }

    /// <summary>
    /// The cancellation requests the run received while it had not ended, oldest first (at most the 20 latest): accepted,
    /// already cancelling, or declined because the run was already failing or compensating.
    /// </summary>
    public IReadOnlyList<CancelRequestRecord> CancelRequests { get; init; } = [];

    /// <summary>
    /// Start requests that named this run but another flow or another input, and so started nothing, oldest first (at
    /// most the 20 latest). See docs/bad-input.md.
    /// </summary>
    public IReadOnlyList<RefusedStartRecord> RefusedStarts { get; init; } = [];
}

/// <summary>The outcome of one node execution.</summary>
public enum NodeExecutionOutcome
{
    /// <summary>Dispatched, no reply yet.</summary>
    Pending,

    /// <summary>Completed.</summary>
    Completed,

    /// <summary>Failed (threw, timed out, or could not run).</summary>
    Failed,

    /// <summary>Waiting for a retry timer.</summary>
    RetryScheduled,

    /// <summary>Abandoned: the run was cancelled or ended before a reply came.</summary>
    Abandoned,

    /// <summary>
    /// Waiting for its turn under the node's rate limit: not sent to a worker yet, holding no worker slot. See
    /// <see cref="NodeExecutionRecord.WaitingSince"/> and <see cref="NodeExecutionRecord.RateLimitWait"/>.
    /// </summary>
    WaitingForRateLimit,

    /// <summary>
    /// Waiting for a worker that has the run's flow version: the worker that took the command has neither that version
    /// nor a previous one kept registered (a rolling upgrade in progress). Sent again, with growing pauses, until one
    /// takes it; <see cref="NodeExecutionRecord.Error"/> says which version and queue, <see cref="NodeExecutionRecord.WaitingSince"/> since when.
    /// </summary>
    WaitingForWorker,
}

/// <summary>One attempt of one node in a run's history.</summary>
public sealed record NodeExecutionRecord
{
    /// <summary>The attempt's id.</summary>
    public required Guid ExecutionId { get; init; }

    /// <summary>The node.</summary>
    public required string NodeName { get; init; }

    /// <summary>The step.</summary>
    public required string StepName { get; init; }

    /// <summary>The attempt number.</summary>
    public required int Attempt { get; init; }

    /// <summary>True for compensation executions.</summary>
    public bool IsCompensation { get; init; }

    /// <summary>The outcome so far.</summary>
    public required NodeExecutionOutcome Outcome { get; init; }

    /// <summary>When the orchestrator dispatched it.</summary>
    public DateTimeOffset DispatchedAt { get; init; }

    /// <summary>When the worker started it.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Which worker ran it.</summary>
    public string? WorkerId { get; init; }

    /// <summary>The error of a failed attempt.</summary>
    public ErrorInfo? Error { get; init; }

    /// <summary>How long the attempt waited for its rate limit before it was sent to a worker (zero when it never waited); does not include a wait still in progress.</summary>
    public TimeSpan RateLimitWait { get; init; }

    /// <summary>While <see cref="NodeExecutionOutcome.WaitingForRateLimit"/> or <see cref="NodeExecutionOutcome.WaitingForWorker"/>: since when it has been waiting.</summary>
    public DateTimeOffset? WaitingSince { get; init; }
}
