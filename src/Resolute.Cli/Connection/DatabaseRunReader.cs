using Resolute.Client;
using Resolute.Contracts;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Runs;

namespace Resolute.Cli.Connection;

/// <summary>Reads runs straight from the saga database (<see cref="FlowRunQueries"/>: no locks, no broker).</summary>
internal sealed class DatabaseRunReader(ResoluteDbContext db, string where) : IRunReader
{
    private readonly FlowRunQueries _queries = new(db);

    /// <inheritdoc />
    public string Source => where;

    /// <inheritdoc />
    public Task<FlowRunSnapshot?> GetRunAsync(Guid runId, CancellationToken cancellationToken) => _queries.GetRunAsync(runId, cancellationToken);

    /// <inheritdoc />
    public async Task<FlowRunPage> ListRunsAsync(FlowRunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var list = await _queries.ListRunsAsync(query.ToRequest(), cancellationToken).ConfigureAwait(false);
        return new FlowRunPage(list.Runs, list.ContinuationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => db.DisposeAsync();
}
