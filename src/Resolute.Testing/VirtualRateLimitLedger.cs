using Resolute.Orchestration.RateLimits;

namespace Resolute.Testing;

/// <summary>
/// The rate-limit ledger of one test run, in memory: per limiter, the next free start time. The arithmetic is the
/// engine's (<see cref="RateLimitBatch"/>); only the storage differs from the database ledger.
/// </summary>
internal sealed class VirtualRateLimitLedger
{
    private readonly Dictionary<string, DateTimeOffset> _nextFree = new(StringComparer.Ordinal);

    /// <summary>One slot per request, spaced as the database ledger spaces them.</summary>
    public IReadOnlyList<RateLimitReservation> Reserve(IReadOnlyList<RateLimitRequest> requests)
    {
        var reservations = new List<RateLimitReservation>();
        foreach (var batch in RateLimitBatch.Group(requests))
        {
            var from = _nextFree.TryGetValue(batch.LimiterKey, out var next) && next > batch.NotBefore ? next : batch.NotBefore;
            var nextFree = from + batch.Advance;
            _nextFree[batch.LimiterKey] = nextFree;
            reservations.AddRange(batch.SlotsEndingAt(nextFree));
        }

        return reservations;
    }
}
