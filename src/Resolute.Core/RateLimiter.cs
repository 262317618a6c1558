namespace Resolute;

/// <summary>
/// A named rate limit shared by several nodes, in one flow or many (seed: <c>NewSharedRateLimiter</c>). Unlike the Go
/// original it holds across every worker and orchestrator replica: the engine enforces it globally, by name.
/// </summary>
/// <remarks>
/// How it is enforced (see docs/rate-limits.md): starts are spaced evenly, one every <c>Period / Limit</c>, reserved in
/// the saga database; a node waiting for its turn holds no worker slot. Every attempt takes a turn, retries included —
/// each one calls the limited service again. Any window of one period holds at most <c>Limit + 1</c> starts for limits of
/// up to 10 per second (a little more for faster ones).
/// </remarks>
public sealed class RateLimiter
{
    /// <summary>The longest limiter name accepted.</summary>
    public const int MaxNameLength = 200;

    /// <summary>The longest period a limit may have (366 days): rarer starts are a schedule's job, not a rate limit's.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    /// <summary>The smallest spacing between two starts (<c>Period / Limit</c>): 1 ms, so at most 1,000 starts a second.</summary>
    public static readonly TimeSpan MinSpacing = TimeSpan.FromMilliseconds(1);

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

    /// <summary>
    /// Problems of a positive <paramref name="limit"/> per positive <paramref name="period"/> that the engine cannot
    /// enforce: a period over <see cref="MaxPeriod"/>, or starts closer than <see cref="MinSpacing"/>.
    /// </summary>
    internal static IEnumerable<string> RangeProblems(string what, int limit, TimeSpan period)
    {
        if (period > MaxPeriod)
        {
            yield return $"{what} has period {period}; at most {MaxPeriod} is supported. For starts rarer than that, start runs on a schedule (Trigger.Schedule) instead.";
        }
        else if (period / limit < MinSpacing)
        {
            yield return $"{what} allows {limit} per {period}, one start every {period / limit}; starts are spaced at least {Durations.Format(MinSpacing)} apart (at most 1,000 a second). " +
                         "Lower the count or lengthen the period, or drop the limit.";
        }
    }
}

/// <summary>
/// A node's own rate limit: at most <see cref="Limit"/> executions of that node (in its flow) per <see cref="Period"/>,
/// across all workers; enforced as <see cref="RateLimiter"/> is. To share a budget between nodes or flows, use
/// <see cref="RateLimiter.Shared"/>.
/// </summary>
/// <param name="Limit">Executions allowed per period.</param>
/// <param name="Period">The window.</param>
public sealed record RateLimit(int Limit, TimeSpan Period)
{
    /// <inheritdoc />
    public override string ToString() => $"{Limit}/{Durations.Format(Period)}";
}
