namespace Resolute.Contracts;

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
