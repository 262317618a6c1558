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
}
