namespace Resolute.Contracts;

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
