using System.Globalization;
using Resolute.Persistence.EntityFrameworkCore.Outbox;

namespace Resolute.Persistence.PostgreSql;

/// <summary>
/// PostgreSQL: <c>SELECT ... FOR UPDATE SKIP LOCKED</c>. Orchestrator replicas sweeping the outbox at once each take
/// different rows; a row being delivered by one of them is invisible to the others until it is deleted or released.
/// </summary>
public sealed class PostgreSqlOutboxRowLock : IOutboxRowLock
{
    /// <inheritdoc />
    public string ProviderName => PostgreSqlSagaRowLock.EfCoreProviderName;

    /// <inheritdoc />
    public string FormatClaimStatement(string table, string condition, string orderBy, int limit) =>
        string.Create(CultureInfo.InvariantCulture, $"SELECT * FROM {table} WHERE {condition} ORDER BY {orderBy} LIMIT {limit} FOR UPDATE SKIP LOCKED");
}
