using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Client;
using Resolute.Contracts;
using Resolute.Orchestration.Decisions;
using Resolute.Orchestration.Runs;
using Resolute.Orchestration.Sagas;
using Resolute.Orchestration.Schedules;
using Resolute.Orchestration.Timers;
using Resolute.Orchestration;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.EntityFrameworkCore.Runs;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Workers.Consumers;
using Resolute.Workers;

namespace Resolute;

/// <summary>Registers Resolute in a generic host.</summary>
public static class ResoluteServiceCollectionExtensions
{
    /// <summary>
    /// Adds Resolute: <c>services.AddResolute(r =&gt; r.AddFlow(flow).UseRabbitMq(…).UsePostgres(…))</c>. Without transport
    /// or persistence settings it runs embedded (in-memory transport, SQLite <c>resolute.db</c>, both roles).
    /// Always registers <see cref="IFlowClient"/>. The orchestrator uses the transactional outbox unless
    /// <see cref="OrchestratorOptions.UseTransactionalOutbox"/> is false.
    /// </summary>
    /// <remarks>
    /// The orchestrator role also runs the flows' cron schedules (Quartz on the saga database, clustered on PostgreSQL and
    /// SQL Server): see <see cref="ResoluteConfigurator.ConfigureSchedules"/>.
    /// Test support: when the environment variable <c>RESOLUTE_TEST_FAULT</c> is set (e.g. <c>crash-after-commit:5</c>), the
    /// orchestrator injects that fault into the outbox; see <c>ResoluteTestFaults</c>. Never set it in production.
    /// </remarks>
    public static IServiceCollection AddResolute(this IServiceCollection services, Action<ResoluteConfigurator> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var resolute = new ResoluteConfigurator();
        configure(resolute);
        var roles = resolute.Roles;

        var registry = new FlowRegistry();
        foreach (var (flow, queue) in resolute.Flows)
        {
            registry.Add(flow, queue);
        }

        if (roles != ResoluteRoles.None && registry.Flows.Count == 0)
        {
            throw new InvalidOperationException(
                "AddResolute: no flows are registered. Call r.AddFlow(flow) for every flow this process orchestrates or runs nodes of (orchestrator and workers register the same flows).");
        }

        services.AddSingleton(registry);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(resolute.Orchestrator);
        services.AddSingleton(resolute.Worker);
        services.AddSingleton<RunningNodes>();
        resolute.Client.QueryQueueName = resolute.Orchestrator.QueryQueueName;
        resolute.Client.OrchestratorQueueName = resolute.Orchestrator.QueueName;
        services.AddSingleton(resolute.Client);
        services.AddSingleton<IFlowClient, BusFlowClient>();

        var sagaConcurrency = resolute.Orchestrator.ConcurrentMessageLimit;
        var transactionalOutbox = roles.HasFlag(ResoluteRoles.Orchestrator) && resolute.Orchestrator.UseTransactionalOutbox;
        if (transactionalOutbox)
        {
            // Checked now, so that a bad setting or RESOLUTE_TEST_FAULT value fails AddResolute rather than the host.
            resolute.Outbox.Validate();
            resolute.Outbox.FaultHook = ResoluteTestFaults.Combine(resolute.Outbox.FaultHook, ResoluteTestFaults.FromEnvironment());
        }

        if (roles.HasFlag(ResoluteRoles.Orchestrator))
        {
            resolute.Orchestrator.Validate();
            var persistence = services.AddResolutePersistence(p =>
            {
                if (resolute.Persistence is { } configurePersistence)
                {
                    configurePersistence(p);
                }
                else
                {
                    p.UseSqlite("Data Source=resolute.db");
                }

                p.ApplyMigrationsOnStartup(resolute.ApplyMigrations);
            });
            if (persistence.Provider?.MaxConcurrentSagaMessages is { } max)
            {
                sagaConcurrency = Math.Min(sagaConcurrency, max);
            }

            services.AddSingleton<FlowRunDecider>();
            if (!transactionalOutbox)
            {
                services.TryAddSingleton<IFlowRunEmitter, ConsumeContextEmitter>();
            }

            services.AddSingleton<RunWakeSchedule>();
            services.AddScoped<IDueRunSource, EfDueRunSource>();
            services.AddHostedService<RunTimerPoller>();
            ScheduleRegistration.AddSchedules(services, persistence.Provider!, resolute.Schedules);
        }

        var workerQueues = resolute.WorkerQueues.Count > 0
            ? resolute.WorkerQueues.Distinct(StringComparer.Ordinal).ToList()
            : registry.Flows.SelectMany(f => f.Queues).Distinct(StringComparer.Ordinal).ToList();

        services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });

        services.AddMassTransit(x =>
        {
            if (roles.HasFlag(ResoluteRoles.Orchestrator))
            {
                x.AddSagaStateMachine<FlowRunStateMachine, FlowRun>()
                    .Repository(r => r.UseResoluteEntityFramework<ResoluteDbContext>());
                x.AddConsumer<FlowRunQueryConsumer>();
                x.AddConsumer<FlowScheduleConsumer>();
            }

            if (roles.HasFlag(ResoluteRoles.Worker))
            {
                x.AddConsumer<NodeCommandConsumer>();
                x.AddConsumer<NodeCancellationConsumer>();
            }

            var endpoints = new EndpointPlan(roles, resolute.Orchestrator, resolute.Worker, workerQueues, sagaConcurrency, transactionalOutbox);
            if (resolute.RabbitMqAddress is { } address)
            {
                x.UsingRabbitMq((context, cfg) =>
                {
                    RabbitMqAddress.Configure(cfg, address);
                    endpoints.Configure(context, cfg);
                });
            }
            else
            {
                x.UsingInMemory((context, cfg) => endpoints.Configure(context, cfg));
            }
        });

        if (transactionalOutbox)
        {
            // After AddMassTransit: its delivery service then starts after the bus and stops before it.
            services.AddResoluteOutbox(resolute.Outbox);
        }

        if (roles.HasFlag(ResoluteRoles.Orchestrator))
        {
            // After AddMassTransit: Quartz starts firing once the bus is up, and stops before it.
            ScheduleRegistration.AddScheduleRunner(services);
        }

        Health.ResoluteHealthRegistration.Add(services, roles, resolute);
        return services;
    }

    /// <summary>The receive endpoints of a process, by role.</summary>
    private sealed record EndpointPlan(
        ResoluteRoles Roles,
        OrchestratorOptions Orchestrator,
        WorkerOptions Worker,
        IReadOnlyList<string> WorkerQueues,
        int SagaConcurrency,
        bool TransactionalOutbox)
    {
        public void Configure<TEndpoint>(IBusRegistrationContext context, IBusFactoryConfigurator<TEndpoint> cfg)
            where TEndpoint : IReceiveEndpointConfigurator
        {
            if (Roles.HasFlag(ResoluteRoles.Orchestrator))
            {
                cfg.ReceiveEndpoint(Orchestrator.QueueName, e =>
                {
                    // Transient database errors (lock timeouts, a lost connection) are retried; the message stays
                    // unacknowledged meanwhile, so nothing is lost.
                    e.UseMessageRetry(r => r.Exponential(12, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100)));

                    // Commands and events leave only after the saga's transaction committed. The transactional outbox
                    // (inside retry, outside the saga repository's transaction) stores them with the saga and sends them
                    // after the commit; the in-memory outbox only holds them in memory until then.
                    if (TransactionalOutbox)
                    {
                        e.UseResoluteOutbox(context);
                    }
                    else
                    {
                        e.UseInMemoryOutbox(context);
                    }

                    // Next to the saga repository: a run's timer is armed right after its transaction committed.
                    e.UseRunWakeArming(context);

                    e.ConcurrentMessageLimit = SagaConcurrency;
                    e.PrefetchCount = Math.Max(SagaConcurrency, 16);
                    e.ConfigureSaga<FlowRun>(context);
                });

                cfg.ReceiveEndpoint(Orchestrator.QueryQueueName, e =>
                {
                    e.ConfigureConsumeTopology = false;
                    e.ConfigureConsumer<FlowRunQueryConsumer>(context);
                    e.ConfigureConsumer<FlowScheduleConsumer>(context);
                });
            }

            if (Roles.HasFlag(ResoluteRoles.Worker))
            {
                // Each worker process hears every run cancellation on its own temporary queue.
                cfg.ReceiveEndpoint(new TemporaryEndpointDefinition(QueueNames.NodeCancellation), e => e.ConfigureConsumer<NodeCancellationConsumer>(context));

                foreach (var queue in WorkerQueues)
                {
                    cfg.ReceiveEndpoint(queue, e =>
                    {
                        // Commands are sent to the queue directly; no exchange bindings for the message type.
                        e.ConfigureConsumeTopology = false;
                        e.ConcurrentMessageLimit = Worker.ConcurrentNodeLimit;
                        e.PrefetchCount = Worker.ConcurrentNodeLimit;
                        e.UseMessageRetry(r => r.Intervals(100, 500, 1000));
                        e.ConfigureConsumer<NodeCommandConsumer>(context);
                    });
                }
            }
        }
    }
}
