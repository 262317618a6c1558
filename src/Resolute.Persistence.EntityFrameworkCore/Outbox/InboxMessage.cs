namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>
/// A message a consumer handled, stored in <c>resolute_inbox</c> in the consumer's transaction, so that a redelivery of
/// the same MessageId is recognised and skipped. Rows older than <see cref="ResoluteOutboxOptions.InboxRetention"/> are
/// removed by <see cref="OutboxDeliveryService"/>.
/// </summary>
public sealed class InboxMessage
{
    /// <summary>The MessageId of the consumed message.</summary>
    public Guid MessageId { get; set; }

    /// <summary>Who consumed it (<see cref="EfFlowRunInbox.ConsumerName"/> for the run saga).</summary>
    public string ConsumerName { get; set; } = string.Empty;

    /// <summary>When it was consumed (UTC; ticks on SQLite).</summary>
    public DateTimeOffset ReceivedAt { get; set; }
}
