using Resolute.Persistence.EntityFrameworkCore.RateLimits;

namespace Resolute.Persistence.SqlServer;

/// <summary>
/// SQL Server: one <c>MERGE ... WITH (HOLDLOCK) ... OUTPUT</c> (the key-range lock makes the insert-or-update atomic under
/// read committed; the row stays locked until the transaction ends). <c>GREATEST</c> needs SQL Server 2022, so a <c>CASE</c>.
/// </summary>
public sealed class SqlServerRateLimitStatement : IRateLimitStatement
{
    /// <inheritdoc />
    public string ProviderName => SqlServerSagaRowLock.EfCoreProviderName;

    /// <inheritdoc />
    public string FormatReserve(string table) =>
        $"MERGE {table} WITH (HOLDLOCK) AS l " +
        "USING (SELECT @limiter_key AS limiter_key) AS s ON l.limiter_key = s.limiter_key " +
        "WHEN MATCHED THEN UPDATE SET next_start_ticks = CASE WHEN l.next_start_ticks > @not_before THEN l.next_start_ticks ELSE @not_before END + @advance " +
        "WHEN NOT MATCHED THEN INSERT (limiter_key, next_start_ticks) VALUES (@limiter_key, @not_before + @advance) " +
        "OUTPUT inserted.next_start_ticks;";
}
