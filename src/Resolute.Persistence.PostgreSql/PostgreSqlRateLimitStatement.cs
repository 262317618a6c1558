using Resolute.Persistence.EntityFrameworkCore.RateLimits;

namespace Resolute.Persistence.PostgreSql;

/// <summary>PostgreSQL: <c>INSERT ... ON CONFLICT DO UPDATE ... RETURNING</c>; the conflicting row is locked until the transaction ends.</summary>
public sealed class PostgreSqlRateLimitStatement : IRateLimitStatement
{
    /// <inheritdoc />
    public string ProviderName => PostgreSqlSagaRowLock.EfCoreProviderName;

    /// <inheritdoc />
    public string FormatReserve(string table) =>
        $"INSERT INTO {table} AS l (limiter_key, next_start_ticks) VALUES (@limiter_key, @not_before + @advance) " +
        "ON CONFLICT (limiter_key) DO UPDATE SET next_start_ticks = GREATEST(l.next_start_ticks, @not_before) + @advance " +
        "RETURNING next_start_ticks";
}
