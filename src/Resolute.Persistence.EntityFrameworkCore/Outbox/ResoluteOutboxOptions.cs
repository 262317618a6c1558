using Microsoft.EntityFrameworkCore;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>Settings of the transactional outbox of the saga endpoint.</summary>
public sealed class ResoluteOutboxOptions
{
    /// <summary>How often <see cref="OutboxDeliveryService"/> looks for rows the fast path did not deliver. Default 1 s.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How old a row must be before the sweeper delivers it. Younger rows are left to the fast path of the message that
    /// wrote them, which holds them (a locking read) from just after the commit until their messages left and their delete
    /// committed; the sweeper skips held rows, so this only bounds how soon a crashed process's committed messages go out.
    /// Default 2 s.
    /// </summary>
    public TimeSpan SweepAge { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The most rows one sweeper transaction claims and delivers. Default 100.</summary>
    public int SweepBatchSize { get; set; } = 100;

    /// <summary>
    /// How long delivering one batch may take (fast path or sweeper) before it is abandoned and rolled back, leaving the
    /// rows for a later sweep — e.g. while the broker is unreachable. Default 10 s.
    /// </summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks the values; throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one.</summary>
    public void Validate()
    {
        Positive(SweepInterval, nameof(SweepInterval));
        Positive(DeliveryTimeout, nameof(DeliveryTimeout));
        if (SweepAge < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(SweepAge), SweepAge, "ResoluteOutboxOptions.SweepAge must not be negative.");
        }

        if (SweepBatchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(SweepBatchSize), SweepBatchSize, "ResoluteOutboxOptions.SweepBatchSize must be positive.");
        }

        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(name, value, $"ResoluteOutboxOptions.{name} must be positive.");
            }
        }
    }
}
