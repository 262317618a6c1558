namespace Resolute.Contracts;

/// <summary>
/// The orchestrator's command to run one attempt of one node; sent to the node's task queue. A worker that does not
/// know <see cref="FlowName"/> at <see cref="FlowVersion"/>, or the node, answers <see cref="NodeFailed"/> (not retryable).
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
}

/// <summary>A worker's reply: the node attempt completed.</summary>
public sealed record NodeCompleted
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The attempt (from <see cref="ExecuteNode.ExecutionId"/>).</summary>
    public required Guid ExecutionId { get; init; }

    /// <summary>The node.</summary>
    public required string NodeName { get; init; }

    /// <summary>The attempt number.</summary>
    public required int Attempt { get; init; }

    /// <summary>The output as JSON.</summary>
    public string? OutputJson { get; init; }

    /// <summary>When the worker started the node function.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it returned.</summary>
    public DateTimeOffset CompletedAt { get; init; }

    /// <summary>Which worker ran it.</summary>
    public string? WorkerId { get; init; }

    /// <summary>The task queue it was taken from.</summary>
    public string? TaskQueue { get; init; }
}

/// <summary>A worker's reply: the node attempt failed (threw, timed out, or could not be run).</summary>
public sealed record NodeFailed
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The attempt (from <see cref="ExecuteNode.ExecutionId"/>).</summary>
    public required Guid ExecutionId { get; init; }

    /// <summary>The node.</summary>
    public required string NodeName { get; init; }

    /// <summary>The attempt number.</summary>
    public required int Attempt { get; init; }

    /// <summary>What went wrong.</summary>
    public required ErrorInfo Error { get; init; }

    /// <summary>False when another attempt cannot help (non-retryable type, unknown flow or node, bad input).</summary>
    public required bool Retryable { get; init; }

    /// <summary>When the worker started the node function (equal to <see cref="FailedAt"/> when it never started).</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the failure happened.</summary>
    public DateTimeOffset FailedAt { get; init; }

    /// <summary>Which worker reported it.</summary>
    public string? WorkerId { get; init; }

    /// <summary>The task queue it was taken from.</summary>
    public string? TaskQueue { get; init; }
}

/// <summary>An error as it travels and is stored: exception type, message and stack.</summary>
public sealed record ErrorInfo
{
    /// <summary>The exception's full type name, e.g. <c>System.TimeoutException</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The message.</summary>
    public required string Message { get; init; }

    /// <summary>The stack trace, when there was one.</summary>
    public string? StackTrace { get; init; }

    /// <summary>Creates an <see cref="ErrorInfo"/> from an exception (inner exceptions appended to the message).</summary>
    public static ErrorInfo FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.Message;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            message += $" ---> {inner.GetType().FullName}: {inner.Message}";
        }

        return new ErrorInfo { Type = exception.GetType().FullName ?? exception.GetType().Name, Message = message, StackTrace = exception.StackTrace };
    }
}

/// <summary>
/// Broadcast by the orchestrator when a run is cancelled: workers running any of these executions fire their
/// node's <c>CancellationToken</c>. Every worker process receives it on its own temporary queue.
/// </summary>
public sealed record CancelNodeExecutions
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The executions to cancel.</summary>
    public required IReadOnlyList<Guid> ExecutionIds { get; init; }

    /// <summary>Why.</summary>
    public string? Reason { get; init; }
}
