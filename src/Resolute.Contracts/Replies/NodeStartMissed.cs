namespace Resolute.Contracts;

/// <summary>
/// A worker's reply: it took a rate-limited <see cref="ExecuteNode"/> after its <see cref="ExecuteNode.StartBy"/> and did
/// not start it. The orchestrator reserves a new slot under the node's limiter and sends the attempt again; the attempt
/// is not counted as failed and takes no retry.
/// </summary>
public sealed record NodeStartMissed
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The attempt (from <see cref="ExecuteNode.ExecutionId"/>).</summary>
    public required Guid ExecutionId { get; init; }

    /// <summary>The node.</summary>
    public required string NodeName { get; init; }

    /// <summary>The attempt number.</summary>
    public required int Attempt { get; init; }

    /// <summary>The slot the command carried (<see cref="ExecuteNode.RateLimitSlot"/>).</summary>
    public required DateTimeOffset RateLimitSlot { get; init; }

    /// <summary>When the worker took the command.</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Which worker bounced it.</summary>
    public string? WorkerId { get; init; }
}
