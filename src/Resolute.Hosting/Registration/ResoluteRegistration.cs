using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Resolute.Client;
using Resolute.Orchestration;
using Resolute.Orchestration.Decisions;
using Resolute.Orchestration.Flows;
using Resolute.Orchestration.Runs;
using Resolute.Orchestration.Sagas;
using Resolute.Orchestration.Schedules;
using Resolute.Orchestration.Timers;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.EntityFrameworkCore.Runs;
using Resolute.Workers;
using Resolute.Workers.Consumers;

namespace Resolute;

/// <summary>
/// Registers Resolute on a bus being configured (<see cref="IBusRegistrationConfigurator"/>): options, the saga and its
/// repository, the outbox, the consumers, the timer poller, the schedule runner, <see cref="IFlowClient"/>, and the
/// hosted service that connects Resolute's endpoints. The three public forms (<c>x.AddResolute</c>,
/// <c>x.AddResolute</c> on a MultiBus bus, <c>services.AddResolute</c>) all come here; only the last adds a transport.
/// </summary>
internal static class ResoluteRegistration
{
    /// <summary>Marks a container Resolute was added to, so that a second <c>AddResolute</c> fails clearly.</summary>
    internal sealed class Marker;

    /// <summary>
    /// Checks everything that can be checked before registering (settings with their keys, the flows), so that a mistake
    /// surfaces as itself — not wrapped by MassTransit's MultiBus set-up, which calls the registration by reflection.
    /// </summary>
    public static (ResoluteSettings Settings, FlowRegistry Registry) Prepare(IServiceCollection services, ResoluteConfigurator code)
    {
        if (services.Any(d => d.ServiceType == typeof(Marker)))
        {
            throw new InvalidOperationException("AddResolute was already called for this container; call it once, with every flow.");
        }

        var settings = ResoluteSettings.Resolve(code);
        var registry = new FlowRegistry();
        foreach (var (flow, queue) in code.Flows)
        {
            registry.Add(flow, queue);
        }

        foreach (var (flow, queue) in code.PreviousFlowVersions)
        {
            if (!registry.TryGet(flow.Name, out var current))
            {
                throw new InvalidOperationException(
                    $"AddPreviousFlowVersion: flow '{flow.Name}' (version {flow.Version}) is kept as a previous version, but no current version of '{flow.Name}' is registered. Register the current definition with r.AddFlow(...) as well.");
            }

            if (current.Flow.Version != flow.Version)
            {
                registry.AddPreviousVersion(flow, queue);
            }
        }

        if (settings.Roles != ResoluteRoles.None && registry.Flows.Count == 0)
        {
            throw new InvalidOperationException(
                "AddResolute: no flows are registered. Call r.AddFlow(flow) for every flow this process orchestrates or runs nodes of (orchestrator and workers register the same flows).");
        }

        return (settings, registry);
    }

    /// <param name="x">The bus being configured.</param>
    /// <param name="settings">Resolute's settings.</param>
    /// <param name="registry">The flows.</param>
    /// <param name="bus">Which bus Resolute uses.</param>
    /// <param name="inMemoryTransport">True when Resolute's own bus runs on the in-memory transport, whose queues die with the process.</param>
    public static void Register(IBusRegistrationConfigurator x, ResoluteSettings settings, FlowRegistry registry, ResoluteBusAccess bus, bool inMemoryTransport)
    {
        IServiceCollection services = x;
        services.AddSingleton<Marker>();
        var roles = settings.Roles;

        var transactionalOutbox = roles.HasFlag(ResoluteRoles.Orchestrator) && settings.Orchestrator.UseTransactionalOutbox;
        var plan = new ResoluteHostPlan(roles, transactionalOutbox);
        services.AddSingleton(plan);

        // Structural settings are read when AddResolute runs: a later services.Configure cannot change what was registered.
        services.AddSingleton<IValidateOptions<OrchestratorOptions>>(new StructuralSettingsValidator(roles.HasFlag(ResoluteRoles.Orchestrator), settings.Orchestrator.UseTransactionalOutbox));
        services.AddSingleton(bus);
        services.AddSingleton(registry);
        services.TryAddSingleton(TimeProvider.System);
        ResoluteOptionsRegistration.Add(services, settings);

        // A broker keeps queued commands through restarts, so an attempt still queued at its deadline is waited for; the
        // in-memory transport's queues die with the process, so there the deadline counts from the dispatch.
        services.AddOptions<OrchestratorOptions>().PostConfigure(o => o.QueueWaitLimit ??= inMemoryTransport ? TimeSpan.Zero : OrchestratorOptions.BrokerQueueWaitLimit);
        services.AddSingleton<RunningNodes>();
        services.AddSingleton<ExecutionReplies>();
        services.AddSingleton<IFlowClient>(sp => bus.Create<BusFlowClient>(sp));

        // The host starts only once the buses have: Resolute's endpoints connect to a started bus.
        services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);

        if (roles.HasFlag(ResoluteRoles.Orchestrator))
        {
            // The migrator (a hosted service) is registered here, so it runs before the endpoint connector below.
            var persistence = services.AddResolutePersistence(p => p
                .UseProvider(settings.Database!)
                .ApplyMigrationsOnStartup(settings.ApplyMigrations));

            services.AddSingleton<FlowRunDecider>();
            if (!transactionalOutbox)
            {
                services.TryAddSingleton<IFlowRunEmitter, ConsumeContextEmitter>();
            }

            services.AddSingleton<RunWakeSchedule>();
            services.AddScoped<IDueRunSource, EfDueRunSource>();
            ScheduleRegistration.AddSchedules(services, persistence.Provider!, settings.Schedules, bus);

            var saga = x.AddSagaStateMachine<FlowRunStateMachine, FlowRun>();
            saga.Repository(r => r.UseResoluteEntityFramework<ResoluteDbContext>());
            saga.ExcludeFromConfigureEndpoints();
            x.AddConsumer<FlowRunQueryConsumer>().ExcludeFromConfigureEndpoints();
            x.AddConsumer<FlowScheduleConsumer>().ExcludeFromConfigureEndpoints();
            x.AddConsumer<FlowQueryConsumer>().ExcludeFromConfigureEndpoints();
        }

        if (roles.HasFlag(ResoluteRoles.Worker))
        {
            x.AddConsumer<NodeCommandConsumer>().ExcludeFromConfigureEndpoints();
            x.AddConsumer<NodeCancellationConsumer>().ExcludeFromConfigureEndpoints();
        }

        // Hosted services start in this order (after the bus, whose hosted service AddMassTransit registered first) and
        // stop in reverse: endpoints connect after the migration; the outbox sweeper, the timer poller and Quartz start
        // once the endpoints are up, and stop before the bus.
        services.AddHostedService<ResoluteEndpointConnector>();
        if (transactionalOutbox)
        {
            services.TryAddSingleton(sp => bus.Create<OutboxDeliveryService>(sp));
            services.AddResoluteOutbox(settings.Outbox);
        }

        if (roles.HasFlag(ResoluteRoles.Orchestrator))
        {
            services.AddSingleton<IHostedService>(sp => bus.Create<RunTimerPoller>(sp));
            ScheduleRegistration.AddScheduleRunner(services);
        }

        Health.ResoluteHealthRegistration.Add(services, plan, settings.Health.CheckTimeout);
        Telemetry.ResoluteTelemetryRegistration.Add(services, plan, settings);
    }

    /// <summary>Fails the start when a structural orchestrator setting was changed after <c>AddResolute</c> decided on it.</summary>
    private sealed class StructuralSettingsValidator(bool orchestrator, bool transactionalOutbox) : IValidateOptions<OrchestratorOptions>
    {
        public ValidateOptionsResult Validate(string? name, OrchestratorOptions options) =>
            !orchestrator || options.UseTransactionalOutbox == transactionalOutbox
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    $"{ResoluteConfigurationKeys.Orchestrator}:{nameof(OrchestratorOptions.UseTransactionalOutbox)}: is read when AddResolute runs, where it was {transactionalOutbox}; "
                    + "it was changed to " + options.UseTransactionalOutbox + " later (services.Configure). Set it in r.ConfigureOrchestrator(...) or in configuration.");
    }
}
