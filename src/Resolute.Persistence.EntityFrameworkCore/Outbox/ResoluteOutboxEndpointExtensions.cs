using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>Puts the transactional outbox on a receive endpoint.</summary>
public static class ResoluteOutboxEndpointExtensions
{
    /// <summary>
    /// Adds the <see cref="OutboxDeliveryFilter{TMessage}"/> for every message type of the endpoint: messages the saga
    /// stored in the outbox leave right after its transaction committed. Call it after <c>UseMessageRetry</c> (so each
    /// retry attempt gets its own batch) and before <c>ConfigureSaga</c>, in place of <c>UseInMemoryOutbox</c>:
    /// <code>
    /// cfg.ReceiveEndpoint("resolute-orchestrator", e =>
    /// {
    ///     e.UseMessageRetry(r => r.Intervals(100, 500, 1000));
    ///     e.UseResoluteOutbox(context);
    ///     e.ConfigureSaga&lt;FlowRun&gt;(context);
    /// });
    /// </code>
    /// Needs <see cref="ResoluteOutboxServiceCollectionExtensions.AddResoluteOutbox(IServiceCollection, Action{ResoluteOutboxOptions})"/>.
    /// </summary>
    /// <param name="configurator">The endpoint.</param>
    /// <param name="context">The bus registration context (the application's services).</param>
    public static void UseResoluteOutbox(this IConsumePipeConfigurator configurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(context);
        var dispatcher = context.GetService<OutboxDispatcher>() ?? throw new InvalidOperationException(
            "UseResoluteOutbox: the transactional outbox is not registered. Call services.AddResoluteOutbox(...) (after AddResolutePersistence).");
        _ = new OutboxDeliveryConfigurationObserver(configurator, dispatcher);
    }
}
