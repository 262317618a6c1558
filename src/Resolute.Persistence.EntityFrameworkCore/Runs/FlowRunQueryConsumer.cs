using MassTransit;
using Microsoft.EntityFrameworkCore;
using Resolute.Contracts;
using Resolute.Orchestration.Runs;

namespace Resolute.Persistence.EntityFrameworkCore.Runs;

/// <summary>
/// Answers <see cref="GetFlowRun"/> from the database without locking, on its own queue, so status reads never wait
/// behind the saga's writes.
/// </summary>
public sealed class FlowRunQueryConsumer : IConsumer<GetFlowRun>
{
    private readonly ResoluteDbContext _db;

    /// <summary>Created per message.</summary>
    public FlowRunQueryConsumer(ResoluteDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
    }

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<GetFlowRun> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var runId = context.Message.RunId;
        var run = await _db.Set<FlowRun>().AsNoTracking()
            .FirstOrDefaultAsync(r => r.CorrelationId == runId, context.CancellationToken)
            .ConfigureAwait(false);
        if (run is null)
        {
            await context.RespondAsync(new FlowRunNotFound { RunId = runId }).ConfigureAwait(false);
            return;
        }

        var history = await _db.NodeExecutions.AsNoTracking()
            .Where(e => e.RunId == runId)
            .ToListAsync(context.CancellationToken)
            .ConfigureAwait(false);
        await context.RespondAsync(FlowRunSnapshots.From(run, history)).ConfigureAwait(false);
    }
}
