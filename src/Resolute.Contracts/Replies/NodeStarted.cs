namespace Resolute.Contracts;

/// <summary>
/// A worker's signal that it started an attempt late: so late (after a wait in its task queue) that the attempt could
/// end after <see cref="ExecuteNode.ReplyBy"/>, the deadline the orchestrator set when it dispatched it. The orchestrator
/// then counts the attempt's deadline from this start (start + timeout + grace) instead of from the dispatch, so a node
/// that merely waited in its queue is not counted as failed and sent again. An attempt started in time sends none: its
/// dispatch-time deadline already covers it.
/// </summary>
public sealed record NodeStarted
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The attempt (from <see cref="ExecuteNode.ExecutionId"/>).</summary>
    public required Guid ExecutionId { get; init; }

    /// <summary>The node.</summary>
    public required string NodeName { get; init; }

    /// <summary>The attempt number.</summary>
    public required int Attempt { get; init; }

    /// <summary>When the worker started the node.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Which worker started it.</summary>
    public string? WorkerId { get; init; }
}
