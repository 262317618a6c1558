namespace Resolute.Orchestration.RateLimits;

/// <summary>
/// The arithmetic of a reservation, apart from the storage: requests grouped per limiter (in key order, so two
/// transactions lock limiter rows in the same order and never deadlock), and a group's slots read back from the
/// limiter's new next-free time.
/// </summary>
public sealed class RateLimitBatch
{
    private RateLimitBatch(string limiterKey, TimeSpan interval, DateTimeOffset notBefore, IReadOnlyList<RateLimitRequest> requests)
    {
        LimiterKey = limiterKey;
        Interval = interval;
        NotBefore = notBefore;
        Requests = requests;
    }

    /// <summary>The limiter.</summary>
    public string LimiterKey { get; }

    /// <summary>Its spacing.</summary>
    public TimeSpan Interval { get; }

    /// <summary>The latest <see cref="RateLimitRequest.NotBefore"/> of the group.</summary>
    public DateTimeOffset NotBefore { get; }

    /// <summary>The group's requests, in the order given.</summary>
    public IReadOnlyList<RateLimitRequest> Requests { get; }

    /// <summary>How far the limiter's next free time moves: one interval per request.</summary>
    public TimeSpan Advance => Interval * Requests.Count;

    /// <summary>Groups <paramref name="requests"/> per limiter, ordered by key.</summary>
    public static IReadOnlyList<RateLimitBatch> Group(IEnumerable<RateLimitRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return requests
            .GroupBy(r => r.LimiterKey, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new RateLimitBatch(g.Key, g.First().Interval, g.Max(r => r.NotBefore), g.ToList()))
            .ToList();
    }

    /// <summary>
    /// The group's slots, given the limiter's next free time after the reservation
    /// (<c>max(previous next free, NotBefore) + Advance</c>): the first slot is <see cref="Advance"/> before it.
    /// </summary>
    public IEnumerable<RateLimitReservation> SlotsEndingAt(DateTimeOffset nextFree)
    {
        var slot = nextFree - Advance;
        foreach (var request in Requests)
        {
            yield return new RateLimitReservation(request.ExecutionId, slot);
            slot += Interval;
        }
    }
}
