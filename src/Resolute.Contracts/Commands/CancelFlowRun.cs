namespace Resolute.Contracts;

/// <summary>Asks the orchestrator to cancel a run: stop dispatching, cancel running nodes, compensate completed ones.</summary>
public sealed record CancelFlowRun
{
    /// <summary>The run to cancel.</summary>
    public required Guid RunId { get; init; }

    /// <summary>Why; recorded on the run.</summary>
    public string? Reason { get; init; }

    /// <summary>When cancellation was requested.</summary>
    public DateTimeOffset RequestedAt { get; init; }

    /// <summary>
    /// The sender's id for this request (optional): the run records what it did with it under this id
    /// (<see cref="FlowRunSnapshot.CancelRequests"/>), and a redelivered request with the same id changes nothing.
    /// </summary>
    public Guid? RequestId { get; init; }
}
