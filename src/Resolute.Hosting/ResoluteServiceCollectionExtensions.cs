using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Resolute.Client;
using Resolute.Orchestration;

namespace Resolute;

/// <summary>
/// Adds Resolute to an application. Three forms:
/// <list type="number">
/// <item>On the application's own bus (MassTransit-native):
/// <c>services.AddMassTransit(x =&gt; { x.AddResolute(r =&gt; …); x.UsingRabbitMq(…); })</c>.</item>
/// <item>On a bus Resolute creates, with the transport chosen in its settings: <c>services.AddResolute(r =&gt; …)</c> or
/// <c>builder.AddResolute(r =&gt; …)</c> — the container's bus, or a second one beside the application's when it called
/// <c>AddMassTransit</c> first.</item>
/// <item>On a bus of its own whose transport the application configures (MultiBus):
/// <c>services.AddMassTransit&lt;IResoluteBus&gt;(x =&gt; { x.AddResolute(r =&gt; …); x.UsingRabbitMq(…); })</c>.</item>
/// </list>
/// </summary>
public static class ResoluteServiceCollectionExtensions
{
    /// <summary>
    /// Adds Resolute on a bus it creates, with the transport chosen here:
    /// <c>services.AddResolute(r =&gt; r.AddFlow(flow).UseRabbitMq(…).UsePostgres(…))</c>. When the application has no
    /// MassTransit bus yet, this is the container's bus (<see cref="IBus"/>); when it already called
    /// <c>AddMassTransit(...)</c>, Resolute's bus is a second one beside it (<see cref="IResoluteBus"/>, MassTransit
    /// MultiBus). Without transport or database settings it runs embedded (in-memory transport, SQLite
    /// <c>resolute.db</c>, both roles). Reads configuration keys (<see cref="ResoluteConfigurationKeys"/>) from environment
    /// variables, or from the configuration given with <see cref="ResoluteConfigurator.UseConfiguration"/>;
    /// <c>builder.AddResolute</c> passes the host's. Always registers <see cref="IFlowClient"/>.
    /// </summary>
    /// <remarks>
    /// An application with its own bus calls its <c>AddMassTransit(...)</c> first: MassTransit allows one default bus per
    /// container, and this method takes it when it is free (a MultiBus bus came out slower on the distributed benchmark;
    /// see docs/hosting.md). Or it puts Resolute on its bus with <c>x.AddResolute(...)</c>.
    /// The orchestrator role also runs the flows' cron schedules (Quartz on the saga database, clustered on PostgreSQL and
    /// SQL Server).
    /// </remarks>
    public static IServiceCollection AddResolute(this IServiceCollection services, Action<ResoluteConfigurator> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var code = new ResoluteConfigurator();
        configure(code);
        var (settings, registry) = ResoluteRegistration.Prepare(services, code);
        if (settings.ConfigurationNamesTransport && settings.Transport is null)
        {
            throw new ResoluteConfigurationException(
                ResoluteConfigurationKeys.RabbitMq,
                "is set, but this application's code uses the in-memory transport. Call r.UseRabbitMq() (package Resolute.RabbitMq), which reads these keys, or remove them.");
        }

        void Register(IBusRegistrationConfigurator x, ResoluteBusAccess bus)
        {
            ResoluteRegistration.Register(x, settings, registry, bus, inMemoryTransport: settings.Transport is null);
            if (settings.Transport is { } transport)
            {
                transport.Configure(x, settings.Configuration);
            }
            else
            {
                x.UsingInMemory();
            }
        }

        if (services.Any(d => d.ServiceType == typeof(IBus)))
        {
            services.AddMassTransit<IResoluteBus>(x => Register(x, ResoluteBusAccess.For<IResoluteBus>()));
        }
        else
        {
            services.AddMassTransit(x => Register(x, ResoluteBusAccess.Default));
        }

        return services;
    }

    /// <summary>
    /// As <see cref="AddResolute(IServiceCollection, Action{ResoluteConfigurator})"/>, reading the host's configuration
    /// (appsettings, environment variables, command line): <c>builder.AddResolute(r =&gt; r.AddFlow(flow))</c>.
    /// </summary>
    public static IHostApplicationBuilder AddResolute(this IHostApplicationBuilder builder, Action<ResoluteConfigurator> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddResolute(r =>
        {
            r.UseConfiguration(builder.Configuration);
            configure(r);
        });
        return builder;
    }

    /// <summary>
    /// Adds Resolute to the bus being configured — the application's own:
    /// <c>services.AddMassTransit(x =&gt; { x.AddConsumer&lt;MyConsumer&gt;(); x.AddResolute(r =&gt; r.AddFlow(flow).UsePostgres(cs)); x.UsingRabbitMq((ctx, cfg) =&gt; cfg.ConfigureEndpoints(ctx)); })</c>.
    /// Registers the saga, its repository and outbox, the node consumers, the timer poller, the schedule runner and
    /// <see cref="IFlowClient"/>; Resolute connects its own receive endpoints when the bus has started (they stay out of
    /// <c>ConfigureEndpoints</c>). The transport is the application's: do not call <c>r.UseRabbitMq</c> here.
    /// </summary>
    public static IBusRegistrationConfigurator AddResolute(this IBusRegistrationConfigurator configurator, Action<ResoluteConfigurator> configure)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(configure);
        Register(configurator, configure, ResoluteBusAccess.Default);
        return configurator;
    }

    /// <summary>
    /// Adds Resolute to a bus of its own beside the application's (MassTransit MultiBus):
    /// <c>services.AddMassTransit&lt;IResoluteBus&gt;(x =&gt; { x.AddResolute(r =&gt; …); x.UsingRabbitMq(…); })</c>.
    /// <see cref="IFlowClient"/> and everything Resolute sends use <typeparamref name="TBus"/>.
    /// </summary>
    public static IBusRegistrationConfigurator<TBus> AddResolute<TBus>(this IBusRegistrationConfigurator<TBus> configurator, Action<ResoluteConfigurator> configure)
        where TBus : class, IBus
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(configure);
        Register(configurator, configure, ResoluteBusAccess.For<TBus>());
        return configurator;
    }

    private static void Register(IBusRegistrationConfigurator configurator, Action<ResoluteConfigurator> configure, ResoluteBusAccess bus)
    {
        var code = new ResoluteConfigurator();
        configure(code);
        if (code.Transport is not null)
        {
            throw new InvalidOperationException(
                $"x.AddResolute(...) joins a bus whose transport the application configures (x.UsingRabbitMq(...)); remove r.Use{code.Transport.Name}() from it. "
                + "Only services.AddResolute(...), which creates its own bus, takes a transport.");
        }

        var (settings, registry) = ResoluteRegistration.Prepare(configurator, code);
        if (settings.ConfigurationNamesTransport)
        {
            throw new ResoluteConfigurationException(
                ResoluteConfigurationKeys.RabbitMq,
                "is for services.AddResolute(r => r.UseRabbitMq()), which creates its own bus; x.AddResolute(...) joins the application's bus and its transport. Remove the keys from this application's configuration.");
        }

        // The application's transport is not known here: its queues are taken to be a broker's (QueueWaitLimit says so).
        ResoluteRegistration.Register(configurator, settings, registry, bus, inMemoryTransport: false);
    }
}
