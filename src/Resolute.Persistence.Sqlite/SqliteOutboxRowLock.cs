using System.Globalization;
using Resolute.Persistence.EntityFrameworkCore.Outbox;

namespace Resolute.Persistence.Sqlite;

/// <summary>
/// SQLite has no row locks: a plain read. The delivery transaction begins IMMEDIATE and so holds the database's single
/// write lock; the embedded mode runs one orchestrator process per file anyway.
/// </summary>
public sealed class SqliteOutboxRowLock : IOutboxRowLock
{
    /// <inheritdoc />
    public string ProviderName => SqliteSagaRowLock.EfCoreProviderName;

    /// <inheritdoc />
    public string FormatClaimStatement(string table, string condition, string orderBy, int limit) =>
        string.Create(CultureInfo.InvariantCulture, $"SELECT * FROM {table} WHERE {condition} ORDER BY {orderBy} LIMIT {limit}");
}
