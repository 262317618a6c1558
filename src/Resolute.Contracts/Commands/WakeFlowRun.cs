namespace Resolute.Contracts;

/// <summary>
/// Internal to the orchestrator: a run has a due timer (retry back-off, attempt deadline). Sent by the timer poller
/// to the orchestrator queue; handling it twice is harmless.
/// </summary>
public sealed record WakeFlowRun
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The wake-up time the poller saw.</summary>
    public DateTimeOffset DueAt { get; init; }
}
