using Microsoft.EntityFrameworkCore;
using Resolute.Client;
using Resolute.Contracts;
using Resolute.Orchestration.Runs;
using Resolute.Persistence.EntityFrameworkCore;

namespace Resolute.Cli.Connection;

/// <summary>Reads runs straight from the saga database, without locking and without a broker.</summary>
internal sealed class DatabaseRunReader(ResoluteDbContext db, string where) : IRunReader
{
    /// <inheritdoc />
    public string Source => where;

    /// <inheritdoc />
    public async Task<FlowRunSnapshot?> GetRunAsync(Guid runId, CancellationToken cancellationToken)
    {
        var run = await db.FlowRuns.AsNoTracking().FirstOrDefaultAsync(r => r.CorrelationId == runId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return null;
        }

        var history = await db.NodeExecutions.AsNoTracking().Where(e => e.RunId == runId).ToListAsync(cancellationToken).ConfigureAwait(false);
        return FlowRunSnapshots.From(run, history);
    }

    /// <inheritdoc />
    public Task<FlowRunPage> ListRunsAsync(FlowRunQuery query, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Listing runs from the database arrives with FlowRunQueries on main.");

    /// <inheritdoc />
    public ValueTask DisposeAsync() => db.DisposeAsync();
}
