namespace Resolute.Orchestration.Schedules;

/// <summary>What the run store says about a flow's scheduled runs, for the overlap policy.</summary>
public interface IScheduledRunSource
{
    /// <summary>
    /// How many scheduled runs of <paramref name="flowName"/> (idempotency key starting <c>schedule:{flow}:</c>) are
    /// Pending, Running or Compensating, and whether the run <paramref name="lastRunId"/> exists at all.
    /// </summary>
    Task<ScheduledRunActivity> GetActivityAsync(string flowName, Guid? lastRunId, CancellationToken cancellationToken);
}

/// <summary>The scheduled runs of a flow that have not ended.</summary>
/// <param name="ActiveRuns">Scheduled runs that are Pending, Running or Compensating.</param>
/// <param name="LastRunExists">Whether the last started tick's run has a row yet (false when none was asked about).</param>
public sealed record ScheduledRunActivity(int ActiveRuns, bool LastRunExists);
