namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>
/// The outbox rows one consume of the saga wrote, with their messages: a payload of the consume context, added by
/// <see cref="OutboxDeliveryFilter{TMessage}"/> before the saga runs and filled by <see cref="TransactionalOutboxEmitter"/>,
/// so that the filter can deliver them right after the commit without reading them back.
/// </summary>
internal sealed class OutboxBatch
{
    private readonly List<PendingOutboxMessage> _messages = [];

    public IReadOnlyList<PendingOutboxMessage> Messages => _messages;

    public void Add(OutboxMessage row, object message, Type messageType) => _messages.Add(new PendingOutboxMessage(row, message, messageType));
}

/// <summary>A stored row and the message it holds.</summary>
internal sealed record PendingOutboxMessage(OutboxMessage Row, object Message, Type MessageType);
