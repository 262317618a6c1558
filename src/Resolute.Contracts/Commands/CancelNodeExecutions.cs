namespace Resolute.Contracts;

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
