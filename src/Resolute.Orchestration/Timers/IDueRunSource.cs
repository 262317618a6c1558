namespace Resolute.Orchestration.Timers;

/// <summary>Finds runs whose <c>NextWakeAt</c> has passed. Implemented by the persistence provider.</summary>
public interface IDueRunSource
{
    /// <summary>Up to <paramref name="maxCount"/> run ids with <c>NextWakeAt &lt;= now</c>, earliest first.</summary>
    Task<IReadOnlyList<(Guid RunId, DateTimeOffset DueAt)>> GetDueRunsAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken);
}
