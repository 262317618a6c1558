using Microsoft.EntityFrameworkCore;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>Settings of the transactional outbox of the saga endpoint.</summary>
public sealed class ResoluteOutboxOptions
{
    /// <summary>How often <see cref="OutboxDeliveryService"/> looks for rows the fast path did not deliver. Default 1 s.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How old a row must be before the sweeper delivers it. Younger rows are left to the fast path of the message that
    /// wrote them (it delivers right after the commit). Keep it above <see cref="DeliveryTimeout"/>: a younger row may
    /// still be in the hands of a fast path (possibly in another replica), and sweeping it would send it twice.
    /// Default 15 s — the delay before a crashed process's committed messages go out.
    /// </summary>
    public TimeSpan SweepAge { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The most rows one sweeper transaction claims and delivers. Default 100.</summary>
    public int SweepBatchSize { get; set; } = 100;

    /// <summary>
    /// How long delivering one batch may take (fast path or sweeper) before it is abandoned and rolled back, leaving the
    /// rows for a later sweep — e.g. while the broker is unreachable. Default 10 s.
    /// </summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the deletes of rows the fast path delivered wait to collect more rows into one statement. Nobody waits for
    /// these deletes; a longer window means fewer statements and commits, and more messages sent again by a sweeper if the
    /// process dies before the delete (never lost). Zero deletes as soon as the previous delete finished. Default 50 ms.
    /// </summary>
    public TimeSpan DeleteBatchWindow { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Checks the values; throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one.</summary>
    public void Validate()
    {
        Positive(SweepInterval, nameof(SweepInterval));
        Positive(DeliveryTimeout, nameof(DeliveryTimeout));
        if (DeleteBatchWindow < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(DeleteBatchWindow), DeleteBatchWindow, "ResoluteOutboxOptions.DeleteBatchWindow must not be negative.");
        }

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
