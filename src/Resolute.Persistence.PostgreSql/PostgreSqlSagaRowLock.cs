using Npgsql;
using Resolute.Persistence.EntityFrameworkCore.Saga;

namespace Resolute.Persistence.PostgreSql;

/// <summary>
/// PostgreSQL: <c>SELECT * FROM table WHERE correlation_id = @id FOR UPDATE</c> under read committed. A second message for
/// the same run waits for the first one's commit and then reads its result, so parallel replies are counted on their first
/// attempt instead of failing a version check.
/// </summary>
public sealed class PostgreSqlSagaRowLock : SqlSagaRowLock
{
    /// <summary>The EF Core provider name of Npgsql.</summary>
    public static readonly string EfCoreProviderName = typeof(Microsoft.EntityFrameworkCore.NpgsqlDbContextOptionsBuilderExtensions).Assembly.GetName().Name!;

    /// <inheritdoc />
    public override string ProviderName => EfCoreProviderName;

    /// <inheritdoc />
    /// <remarks>Unique violation (two first messages for one run), serialization failure, deadlock, lock timeout.</remarks>
    public override bool IsConcurrencyConflict(Exception exception) =>
        Chain(exception).OfType<PostgresException>().Any(e => e.SqlState is
            PostgresErrorCodes.UniqueViolation or
            PostgresErrorCodes.SerializationFailure or
            PostgresErrorCodes.DeadlockDetected or
            PostgresErrorCodes.LockNotAvailable);

    /// <inheritdoc />
    protected override string FormatStatement(string table, string keyColumn) =>
        $"SELECT * FROM {table} WHERE {keyColumn} = {{0}} FOR UPDATE";
}
