using Microsoft.Data.SqlClient;
using Resolute.Persistence.EntityFrameworkCore.Saga;

namespace Resolute.Persistence.SqlServer;

/// <summary>
/// SQL Server: <c>SELECT * FROM table WITH (UPDLOCK, ROWLOCK) WHERE correlation_id = @id</c> under read committed. The update
/// lock is held to the end of the transaction, so a second message for the same run waits for the first one's commit.
/// </summary>
public sealed class SqlServerSagaRowLock : SqlSagaRowLock
{
    /// <summary>The EF Core provider name of SQL Server.</summary>
    public static readonly string EfCoreProviderName = typeof(Microsoft.EntityFrameworkCore.SqlServerDbContextOptionsExtensions).Assembly.GetName().Name!;

    // 2627/2601: duplicate key (two first messages for one run); 1205: deadlock victim; 1222: lock request timed out.
    private static readonly int[] ConflictNumbers = [2627, 2601, 1205, 1222];

    /// <inheritdoc />
    public override string ProviderName => EfCoreProviderName;

    /// <inheritdoc />
    public override bool IsConcurrencyConflict(Exception exception) =>
        Chain(exception).OfType<SqlException>().Any(e => e.Errors.Cast<SqlError>().Any(error => ConflictNumbers.Contains(error.Number)));

    /// <inheritdoc />
    protected override string FormatStatement(string table, string keyColumn) =>
        $"SELECT * FROM {table} WITH (UPDLOCK, ROWLOCK) WHERE {keyColumn} = {{0}}";
}
