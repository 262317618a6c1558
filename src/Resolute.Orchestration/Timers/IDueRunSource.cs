namespace Resolute.Orchestration.Timers;

/// <summary>Finds runs whose <c>NextWakeAt</c> has passed, and the next one to come. Implemented by the persistence provider.</summary>
public interface IDueRunSource
{
    /// <summary>
    /// Up to <paramref name="maxCount"/> run ids with <c>NextWakeAt &lt;= now</c>, earliest first, and the earliest
    /// <c>NextWakeAt</c> after <paramref name="now"/> of any run (null when none), so that the timer loop can wake for
    /// timers other orchestrator replicas wrote.
    /// </summary>
    Task<DueRuns> GetDueRunsAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken);
}

/// <summary>The answer of <see cref="IDueRunSource.GetDueRunsAsync"/>.</summary>
/// <param name="Due">Runs whose timer is due, earliest first, with that due time.</param>
/// <param name="NextWakeAt">The earliest timer still in the future, or null when no run has one.</param>
public sealed record DueRuns(IReadOnlyList<(Guid RunId, DateTimeOffset DueAt)> Due, DateTimeOffset? NextWakeAt);
