using Microsoft.EntityFrameworkCore;
using Resolute.Orchestration.Runs;
using Resolute.Orchestration.Timers;

namespace Resolute.Persistence.EntityFrameworkCore.Runs;

/// <summary>Finds runs with a due timer (<c>next_wake_at &lt;= now</c>) and the next timer to come, through the indexed column.</summary>
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
    public async Task<DueRuns> GetDueRunsAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken)
    {
        // Dates are stored as UTC (ticks on SQLite), so the comparison and order run in SQL on every provider.
        var rows = await _db.Set<FlowRun>().AsNoTracking()
            .Where(r => r.NextWakeAt != null && r.NextWakeAt <= now)
            .OrderBy(r => r.NextWakeAt)
            .Take(maxCount)
            .Select(r => new { r.CorrelationId, r.NextWakeAt })
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);

        // One index seek: the first timer after now.
        var next = await _db.Set<FlowRun>().AsNoTracking()
            .Where(r => r.NextWakeAt != null && r.NextWakeAt > now)
            .OrderBy(r => r.NextWakeAt)
            .Select(r => r.NextWakeAt)
            .FirstOrDefaultAsync(cancellationToken)
            .ConfigureAwait(false);

        return new DueRuns(rows.Select(r => (r.CorrelationId, r.NextWakeAt!.Value)).ToList(), next);
    }
}
