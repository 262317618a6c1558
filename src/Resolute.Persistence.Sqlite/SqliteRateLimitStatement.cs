using Resolute.Persistence.EntityFrameworkCore.RateLimits;

namespace Resolute.Persistence.Sqlite;

/// <summary>SQLite (3.35 or later): <c>INSERT ... ON CONFLICT DO UPDATE ... RETURNING</c>, inside the saga's writer turn.</summary>
public sealed class SqliteRateLimitStatement : IRateLimitStatement
{
    /// <inheritdoc />
    public string ProviderName => SqliteSagaRowLock.EfCoreProviderName;

    /// <inheritdoc />
    public string FormatReserve(string table) =>
        $"INSERT INTO {table} (limiter_key, next_start_ticks) VALUES (@limiter_key, @not_before + @advance) " +
        $"ON CONFLICT (limiter_key) DO UPDATE SET next_start_ticks = max({table}.next_start_ticks, @not_before) + @advance " +
        "RETURNING next_start_ticks";
}
