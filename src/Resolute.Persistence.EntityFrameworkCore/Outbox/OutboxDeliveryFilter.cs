using MassTransit;
using MassTransit.Configuration;
using MassTransit.Context;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>
/// The saga endpoint's outbox filter. It sits outside the saga repository (so outside its per-message transaction) and
/// inside message retry: it gives each attempt an empty batch payload, lets the saga run — the repository commits the
/// saga state, the history rows and the outbox rows together — and only when that returned successfully sends the batch's
/// messages (MessageId = row id) and queues their rows for deletion (deleted in bulk, many messages per statement). If
/// the saga pipeline throws (the transaction rolled back), nothing is sent. A failed delivery is logged, never thrown:
/// the rows are committed, and <see cref="OutboxDeliveryService"/> sends them.
/// Added by <see cref="ResoluteOutboxEndpointExtensions.UseResoluteOutbox"/>.
/// </summary>
/// <typeparam name="TMessage">The consumed message type.</typeparam>
public sealed class OutboxDeliveryFilter<TMessage> : IFilter<ConsumeContext<TMessage>>
    where TMessage : class
{
    private readonly OutboxDispatcher _dispatcher;

    internal OutboxDeliveryFilter(OutboxDispatcher dispatcher) => _dispatcher = dispatcher;

    /// <inheritdoc />
    public async Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        var batch = new OutboxBatch();
        await next.Send(new ConsumeContextScope<TMessage>(context, batch)).ConfigureAwait(false);

        // The saga pipeline returned: its transaction committed.
        await _dispatcher.DeliverCommittedAsync(context, batch).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Probe(ProbeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.CreateFilterScope("resoluteTransactionalOutbox");
    }
}

/// <summary>Adds an <see cref="OutboxDeliveryFilter{TMessage}"/> to the pipe of every message type the endpoint consumes.</summary>
internal sealed class OutboxDeliveryConfigurationObserver : ConfigurationObserver, IMessageConfigurationObserver
{
    private readonly OutboxDispatcher _dispatcher;

    public OutboxDeliveryConfigurationObserver(IConsumePipeConfigurator configurator, OutboxDispatcher dispatcher)
        : base(configurator)
    {
        _dispatcher = dispatcher;
        Connect(this);
    }

    public void MessageConfigured<TMessage>(IConsumePipeConfigurator configurator)
        where TMessage : class =>
        configurator.AddPipeSpecification(new FilterPipeSpecification<ConsumeContext<TMessage>>(new OutboxDeliveryFilter<TMessage>(_dispatcher)));
}
