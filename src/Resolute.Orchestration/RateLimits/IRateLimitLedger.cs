using MassTransit;

namespace Resolute.Orchestration.RateLimits;

/// <summary>
/// Where limiters keep their state: for each limiter the next free start time, shared by every orchestrator replica
/// and updated atomically. The saga reserves slots through it in the transaction of the message being handled, so a
/// rolled-back message gives its slots back.
/// </summary>
public interface IRateLimitLedger
{
    /// <summary>
    /// Reserves one slot per request. Slots of one limiter are <see cref="RateLimitRequest.Interval"/> apart and never
    /// earlier than the request's <see cref="RateLimitRequest.NotBefore"/>; requests of one limiter get consecutive slots
    /// in the order given.
    /// </summary>
    /// <param name="context">The saga message being handled (carries its database transaction).</param>
    /// <param name="requests">The requests of this message.</param>
    /// <param name="cancellationToken">Cancels the reservation.</param>
    Task<IReadOnlyList<RateLimitReservation>> ReserveAsync(ConsumeContext context, IReadOnlyList<RateLimitRequest> requests, CancellationToken cancellationToken);
}
