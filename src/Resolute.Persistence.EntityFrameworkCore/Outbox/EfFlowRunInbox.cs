using MassTransit;
using Microsoft.EntityFrameworkCore;
using Resolute.Orchestration.Sagas;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>
/// The run saga's inbox: a row per consumed MessageId in <c>resolute_inbox</c>, written in the saga's transaction. A
/// redelivery of a message whose handling committed (the orchestrator died before the acknowledgement, or the outbox
/// delivered a message twice) finds its row and is skipped. The saga's row lock serialises messages of one run, so the
/// check sees every committed predecessor; the primary key catches anything else as a retried conflict.
/// </summary>
public sealed class EfFlowRunInbox : IFlowRunInbox
{
    /// <summary>The consumer name of the run saga's rows.</summary>
    public const string ConsumerName = "flow-run";

    private readonly TimeProvider _time;

    /// <summary>Creates the inbox.</summary>
    /// <param name="time">Stamps <see cref="InboxMessage.ReceivedAt"/>.</param>
    public EfFlowRunInbox(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <inheritdoc />
    /// <remarks>A message without a MessageId cannot be recognised again: it is always handled.</remarks>
    /// <exception cref="InvalidOperationException">The consume context carries no <see cref="ResoluteDbContext"/>.</exception>
    public async Task<bool> TryRecordAsync(ConsumeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.MessageId is not { } messageId)
        {
            return true;
        }

        if (!context.TryGetPayload<ResoluteDbContext>(out var db))
        {
            throw new InvalidOperationException(
                "The inbox found no ResoluteDbContext on the consume context: the FlowRun saga must be stored by Resolute's EF Core "
                + "saga repository (.Repository(r => r.UseResoluteEntityFramework<ResoluteDbContext>())).");
        }

        var seen = await db.InboxMessages.AsNoTracking()
            .AnyAsync(x => x.MessageId == messageId && x.ConsumerName == ConsumerName, context.CancellationToken)
            .ConfigureAwait(false);
        if (seen)
        {
            return false;
        }

        db.InboxMessages.Add(new InboxMessage { MessageId = messageId, ConsumerName = ConsumerName, ReceivedAt = _time.GetUtcNow() });
        return true;
    }
}
