using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Outbox;

namespace Resolute.Persistence.Sqlite;

/// <summary>
/// SQLite has no row locks: a plain read. The delivery transaction holds the database's single write lock, taken in this
/// process's turn to write (shared with the saga repository); the embedded mode runs one orchestrator process per file anyway.
/// </summary>
public sealed class SqliteOutboxRowLock : IOutboxRowLock
{
    /// <inheritdoc />
    public string ProviderName => SqliteSagaRowLock.EfCoreProviderName;

    /// <inheritdoc />
    public string FormatClaimStatement(string table, string condition, string orderBy, int limit) =>
        string.Create(CultureInfo.InvariantCulture, $"SELECT * FROM {table} WHERE {condition} ORDER BY {orderBy} LIMIT {limit}");

    /// <inheritdoc />
    public ValueTask<IDisposable?> EnterWriterAsync(DbContext dbContext, CancellationToken cancellationToken) =>
        SqliteWriterTurns.EnterAsync(dbContext, cancellationToken);
}
