namespace Resolute.Orchestration.RateLimits;

/// <summary>
/// The limiter a node draws from, as the engine enforces it: evenly spaced starts, one every <see cref="Interval"/>
/// (a limit of <c>n</c> per <c>period</c> gives <c>period / n</c>), counted across every worker and orchestrator by
/// <see cref="Key"/>, and each start allowed only inside its reserved slot's <see cref="StartWindow"/>.
/// </summary>
/// <param name="Key">The limiter's identity in the ledger: <c>shared:{name}</c> for a shared limiter, <c>node:{flow}/{node}</c> for a node's own.</param>
/// <param name="Interval">The spacing between two starts.</param>
/// <param name="StartWindow">How long after its slot an attempt may still start; later, it goes back for a new slot.</param>
public sealed record NodeRateLimit(string Key, TimeSpan Interval, TimeSpan StartWindow)
{
    /// <summary>
    /// The shortest start window. Below it a worker would miss most windows on ordinary dispatch latency; limits faster
    /// than 10 per second therefore allow up to <c>MinimumStartWindow / Interval</c> extra starts in a period.
    /// </summary>
    public static readonly TimeSpan MinimumStartWindow = TimeSpan.FromMilliseconds(50);

    /// <summary>The limiter of <paramref name="node"/> in <paramref name="flow"/>, or null when the node has no rate limit.</summary>
    public static NodeRateLimit? Of(Flow flow, Node node)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(node);
        if (node.SharedRateLimiter is { } shared)
        {
            return Create($"shared:{shared.Name}", shared.Limit, shared.Period);
        }

        return node.RateLimit is { } own ? Create($"node:{flow.Name}/{node.Name}", own.Limit, own.Period) : null;
    }

    private static NodeRateLimit Create(string key, int limit, TimeSpan period)
    {
        var interval = period / limit;
        // Half the spacing keeps every window of one period at n + 1 starts at most (a start lands in [slot, slot + window)
        // and slots are one interval apart); see docs/rate-limits.md.
        var window = interval / 2;
        return new NodeRateLimit(key, interval, window < MinimumStartWindow ? MinimumStartWindow : window);
    }
}
