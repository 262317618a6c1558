namespace Resolute;

/// <summary>
/// A named rate limit shared by several nodes (seed: <c>NewSharedRateLimiter</c>). Unlike the Go original it holds
/// across every worker replica: the engine enforces it globally, by name.
/// </summary>
public sealed class RateLimiter
{
    private RateLimiter(string name, int limit, TimeSpan period)
    {
        Name = name;
        Limit = limit;
        Period = period;
    }

    /// <summary>The limiter's name; nodes using the same name share one budget.</summary>
    public string Name { get; }

    /// <summary>How many node executions may start per <see cref="Period"/>.</summary>
    public int Limit { get; }

    /// <summary>The window the limit applies to.</summary>
    public TimeSpan Period { get; }

    /// <summary>Declares a shared limiter: at most <paramref name="limit"/> executions per <paramref name="period"/>.</summary>
    /// <remarks>Non-positive values are reported by <see cref="FlowBuilder.Build"/> together with every other problem.</remarks>
    public static RateLimiter Shared(string name, int limit, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new RateLimiter(name, limit, period);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Limit}/{Durations.Format(Period)}";
}

/// <summary>A node's own rate limit: at most <see cref="Limit"/> executions of that node per <see cref="Period"/>, across all workers.</summary>
/// <param name="Limit">Executions allowed per period.</param>
/// <param name="Period">The window.</param>
public sealed record RateLimit(int Limit, TimeSpan Period)
{
    /// <inheritdoc />
    public override string ToString() => $"{Limit}/{Durations.Format(Period)}";
}
