using Microsoft.EntityFrameworkCore;
using Resolute.Orchestration.Runs;
using Resolute.Orchestration.Timers;

namespace Resolute.Persistence.EntityFrameworkCore.Runs;

/// <summary>Finds runs with a due timer (<c>next_wake_at &lt;= now</c>) through the indexed column.</summary>
public sealed class EfDueRunSource : IDueRunSource
{
    private readonly ResoluteDbContext _db;

    /// <summary>Created per poll, in its own scope.</summary>
    public EfDueRunSource(ResoluteDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<(Guid RunId, DateTimeOffset DueAt)>> GetDueRunsAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken)
    {
        // Dates are stored as UTC (ticks on SQLite), so the comparison and order run in SQL on every provider.
        var rows = await _db.Set<FlowRun>().AsNoTracking()
            .Where(r => r.NextWakeAt != null && r.NextWakeAt <= now)
            .OrderBy(r => r.NextWakeAt)
            .Take(maxCount)
            .Select(r => new { r.CorrelationId, r.NextWakeAt })
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        return rows.Select(r => (r.CorrelationId, r.NextWakeAt!.Value)).ToList();
    }
}
