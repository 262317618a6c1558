using Resolute.Orchestration.RateLimits;

namespace Resolute.Orchestration.Tests.TestSupport;

/// <summary>The ledger's arithmetic without a database: per limiter, the next free start time.</summary>
internal sealed class InMemoryRateLimitLedger
{
    private readonly Dictionary<string, DateTimeOffset> _nextFree = new(StringComparer.Ordinal);

    /// <summary>Every slot reserved so far, per limiter key, in order.</summary>
    public Dictionary<string, List<DateTimeOffset>> Reserved { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<RateLimitReservation> Reserve(IReadOnlyList<RateLimitRequest> requests)
    {
        var reservations = new List<RateLimitReservation>();
        foreach (var batch in RateLimitBatch.Group(requests))
        {
            var current = _nextFree.TryGetValue(batch.LimiterKey, out var next) && next > batch.NotBefore ? next : batch.NotBefore;
            _nextFree[batch.LimiterKey] = current + batch.Advance;
            var slots = batch.SlotsEndingAt(current + batch.Advance).ToList();
            reservations.AddRange(slots);
            if (!Reserved.TryGetValue(batch.LimiterKey, out var list))
            {
                Reserved[batch.LimiterKey] = list = [];
            }

            list.AddRange(slots.Select(s => s.Slot));
        }

        return reservations;
    }
}
