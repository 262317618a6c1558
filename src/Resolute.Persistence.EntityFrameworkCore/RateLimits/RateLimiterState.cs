namespace Resolute.Persistence.EntityFrameworkCore.RateLimits;

/// <summary>
/// One limiter's row in <c>resolute_rate_limits</c>: the next free start time. Reserving <c>k</c> starts moves it to
/// <c>max(it, now) + k × interval</c> in one atomic statement (<see cref="IRateLimitStatement"/>), so every orchestrator
/// replica draws from the same schedule.
/// </summary>
public sealed class RateLimiterState
{
    /// <summary>The limiter (<c>shared:{name}</c> or <c>node:{flow}/{node}</c>).</summary>
    public string LimiterKey { get; set; } = string.Empty;

    /// <summary>The next free start time, in UTC ticks.</summary>
    public long NextStartTicks { get; set; }
}
