using Microsoft.EntityFrameworkCore;
using Resolute.Contracts;
using Resolute.Orchestration.Runs;
using Resolute.Orchestration.Schedules;

namespace Resolute.Persistence.EntityFrameworkCore.Runs;

/// <summary>
/// Reads a flow's scheduled runs for the overlap policy: runs of the flow (index on flow name and state) that have not
/// ended and whose idempotency key marks them as scheduled, and whether the last started tick's run exists yet.
/// </summary>
public sealed class EfScheduledRunSource : IScheduledRunSource
{
    private static readonly string[] NotEnded = [nameof(RunStatus.Pending), nameof(RunStatus.Running), nameof(RunStatus.Compensating)];

    private readonly ResoluteDbContext _db;

    /// <summary>Created per tick, in its own scope.</summary>
    public EfScheduledRunSource(ResoluteDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
    }

    /// <inheritdoc />
    public async Task<ScheduledRunActivity> GetActivityAsync(string flowName, Guid? lastRunId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flowName);
        var prefix = ScheduledRuns.KeyPrefix(flowName);
        var active = await _db.Set<FlowRun>().AsNoTracking()
            .Where(r => r.FlowName == flowName && NotEnded.Contains(r.CurrentState) && r.IdempotencyKey != null && r.IdempotencyKey.StartsWith(prefix))
            .CountAsync(cancellationToken)
            .ConfigureAwait(false);
        var lastExists = lastRunId is { } id
            && await _db.Set<FlowRun>().AsNoTracking().AnyAsync(r => r.CorrelationId == id, cancellationToken).ConfigureAwait(false);
        return new ScheduledRunActivity(active, lastExists);
    }
}
