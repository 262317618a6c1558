using System.Globalization;
using Resolute.Persistence.EntityFrameworkCore.Outbox;

namespace Resolute.Persistence.SqlServer;

/// <summary>
/// SQL Server: <c>SELECT TOP (n) ... WITH (UPDLOCK, READPAST, ROWLOCK)</c>. The update locks are held to the end of the
/// transaction and READPAST skips rows other replicas hold, so replicas sweeping at once take different rows.
/// </summary>
public sealed class SqlServerOutboxRowLock : IOutboxRowLock
{
    /// <inheritdoc />
    public string ProviderName => SqlServerSagaRowLock.EfCoreProviderName;

    /// <inheritdoc />
    public string FormatClaimStatement(string table, string condition, string orderBy, int limit) =>
        string.Create(CultureInfo.InvariantCulture, $"SELECT TOP ({limit}) * FROM {table} WITH (UPDLOCK, READPAST, ROWLOCK) WHERE {condition} ORDER BY {orderBy}");
}
