namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>How an outbox message leaves: sent to one queue, or published to its subscribers.</summary>
public enum OutboxMessageKind
{
    /// <summary>Sent to <see cref="OutboxMessage.DestinationQueue"/> (node commands).</summary>
    Send,

    /// <summary>Published by message type (run events).</summary>
    Publish,
}

/// <summary>
/// A command or event the saga emitted, stored in <c>resolute_outbox</c> in the saga's own transaction. It leaves after
/// the commit — at once through <see cref="OutboxDeliveryFilter{TMessage}"/>, or later through
/// <see cref="OutboxDeliveryService"/> — with <see cref="Id"/> as its MessageId, and the row is then deleted.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>The row id, sequential (<c>NewId.NextGuid()</c>); also the MessageId the message is delivered with.</summary>
    public Guid Id { get; set; }

    /// <summary>The run whose transition emitted the message.</summary>
    public Guid RunId { get; set; }

    /// <summary>When the transition stored it (UTC; ticks on SQLite).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Send or publish.</summary>
    public OutboxMessageKind Kind { get; set; }

    /// <summary>The queue a sent message goes to; <see langword="null"/> for a published one.</summary>
    public string? DestinationQueue { get; set; }

    /// <summary>The full name of the message type; always a type of the Resolute.Contracts assembly.</summary>
    public string MessageType { get; set; } = string.Empty;

    /// <summary>The message as JSON (MassTransit's System.Text.Json settings).</summary>
    public string Body { get; set; } = string.Empty;
}
