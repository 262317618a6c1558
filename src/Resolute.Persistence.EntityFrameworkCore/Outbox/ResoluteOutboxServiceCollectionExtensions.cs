using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Resolute.Orchestration.Sagas;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>Registers the transactional outbox of the run saga.</summary>
public static class ResoluteOutboxServiceCollectionExtensions
{
    /// <summary>
    /// Registers the transactional outbox: <see cref="TransactionalOutboxEmitter"/> as the saga's
    /// <see cref="IFlowRunEmitter"/> (only if no other one is registered yet), the delivery machinery, and <see cref="OutboxDeliveryService"/> as a hosted service. Needs
    /// <see cref="ResolutePersistenceServiceCollectionExtensions.AddResolutePersistence(IServiceCollection, Action{ResolutePersistenceBuilder})"/>,
    /// and <see cref="ResoluteOutboxEndpointExtensions.UseResoluteOutbox"/> on the saga's endpoint for the fast path.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Adjusts the options.</param>
    /// <returns>The options.</returns>
    public static ResoluteOutboxOptions AddResoluteOutbox(this IServiceCollection services, Action<ResoluteOutboxOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new ResoluteOutboxOptions();
        configure?.Invoke(options);
        services.AddResoluteOutbox(options);
        return options;
    }

    /// <summary>As <see cref="AddResoluteOutbox(IServiceCollection, Action{ResoluteOutboxOptions})"/>, with options built elsewhere.</summary>
    /// <param name="services">The application's services.</param>
    /// <param name="options">The options (validated here).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddResoluteOutbox(this IServiceCollection services, ResoluteOutboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(options);
        services.TryAddSingleton<IFlowRunEmitter, TransactionalOutboxEmitter>();
        services.TryAddSingleton<OutboxDispatcher>();
        services.TryAddSingleton<OutboxCommitInterceptor>();
        services.TryAddSingleton<OutboxDeliveryService>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDeliveryService>());
        return services;
    }
}
