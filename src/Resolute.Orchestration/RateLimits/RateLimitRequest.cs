namespace Resolute.Orchestration.RateLimits;

/// <summary>An attempt asks its limiter for a start slot no earlier than <paramref name="NotBefore"/>.</summary>
/// <param name="ExecutionId">The attempt.</param>
/// <param name="LimiterKey">The limiter (<see cref="NodeRateLimit.Key"/>).</param>
/// <param name="Interval">The limiter's spacing (<see cref="NodeRateLimit.Interval"/>).</param>
/// <param name="NotBefore">The orchestrator's clock when the attempt asked.</param>
public sealed record RateLimitRequest(Guid ExecutionId, string LimiterKey, TimeSpan Interval, DateTimeOffset NotBefore);

/// <summary>The start slot reserved for one attempt.</summary>
/// <param name="ExecutionId">The attempt.</param>
/// <param name="Slot">The earliest time it may start; it may start until <c>Slot + StartWindow</c>.</param>
public sealed record RateLimitReservation(Guid ExecutionId, DateTimeOffset Slot);
