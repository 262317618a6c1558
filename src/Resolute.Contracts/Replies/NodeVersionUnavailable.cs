namespace Resolute.Contracts;

/// <summary>
/// A worker's reply: it took an <see cref="ExecuteNode"/> for a flow version it does not have (neither as the current
/// definition nor as a previous one kept registered) and did not run it. The orchestrator keeps the attempt waiting
/// (<see cref="NodeExecutionOutcome.WaitingForWorker"/>) and sends it again after a pause, until a worker that has the
/// version takes it; the attempt is not counted as failed and takes no retry. This is what lets workers be replaced one
/// by one with a new flow version while runs are in flight.
/// </summary>
public sealed record NodeVersionUnavailable
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The attempt (from <see cref="ExecuteNode.ExecutionId"/>).</summary>
    public required Guid ExecutionId { get; init; }

    /// <summary>The node.</summary>
    public required string NodeName { get; init; }

    /// <summary>The attempt number.</summary>
    public required int Attempt { get; init; }

    /// <summary>The flow version the command was for.</summary>
    public required string FlowVersion { get; init; }

    /// <summary>What the worker has instead, in words (for the run's status).</summary>
    public required string Reason { get; init; }

    /// <summary>The worker that declined it.</summary>
    public string? WorkerId { get; init; }

    /// <summary>The queue it took the command from.</summary>
    public string? TaskQueue { get; init; }
}
