using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Resolute.Orchestration;
using Resolute.Orchestration.Health;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Workers;

namespace Resolute.Health;

/// <summary>
/// What <c>AddResolute</c> registers for operations: the health checks (<see cref="ResoluteHealthChecks"/>) and the
/// shutdown drain (<see cref="Workers.WorkerOptions.ShutdownDrainTimeout"/> mapped onto MassTransit's stop timeouts and
/// the host's shutdown timeout). Called once, at the end of <c>AddResolute</c>, so its settings come after Resolute's own.
/// </summary>
internal static class ResoluteHealthRegistration
{
    /// <summary>
    /// Time the bus gets, after the drain cancelled the nodes still running, for them to hand their commands back and
    /// for the endpoints and the broker connection to close (MassTransit's <c>StopTimeout</c> = drain + this).
    /// </summary>
    public static readonly TimeSpan BusStopMargin = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The host's shutdown timeout is raised to at least drain + this, so that the host does not abandon the bus's stop
    /// (and with it the drain) early; the other hosted services stop in well under the 2 s left after the bus.
    /// </summary>
    public static readonly TimeSpan HostStopMargin = TimeSpan.FromSeconds(5);

    /// <summary>Registers the checks for the process's roles and the shutdown drain.</summary>
    /// <remarks>
    /// The checks get the <see cref="ResoluteHealthOptions"/> of <c>IOptions</c> with thresholds raised to what the
    /// outbox and the timer loop take by design (<see cref="ResoluteHealthOptions.WithFloors"/>), so that a longer
    /// SweepAge or TimerPollInterval never makes a healthy orchestrator report itself broken (nor fails the start).
    /// </remarks>
    public static void Add(IServiceCollection services, ResoluteHostPlan plan, TimeSpan checkTimeout)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(plan);
        var orchestrator = plan.Roles.HasFlag(ResoluteRoles.Orchestrator);
        var transactionalOutbox = plan.TransactionalOutbox;
        services.AddSingleton(sp =>
        {
            var health = sp.GetRequiredService<IOptions<ResoluteHealthOptions>>().Value;
            var outbox = sp.GetRequiredService<IOptions<ResoluteOutboxOptions>>().Value;
            var poll = sp.GetRequiredService<IOptions<OrchestratorOptions>>().Value.TimerPollInterval;
            return health.WithFloors(
                outboxDegraded: outbox.SweepAge + outbox.SweepInterval,
                outboxUnhealthy: outbox.SweepAge + outbox.SweepInterval + outbox.DeliveryTimeout,
                timerLag: 2 * poll,
                loopStall: (transactionalOutbox && outbox.SweepInterval > poll ? outbox.SweepInterval : poll) + TimeSpan.FromMinutes(1));
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LoopHeartbeats>();

        var ready = new[] { ResoluteHealthChecks.ReadyTag, ResoluteHealthChecks.ResoluteTag };
        var checks = services.AddHealthChecks();
        checks.AddCheck<LoopsHealthCheck>(ResoluteHealthChecks.Loops, HealthStatus.Unhealthy, [ResoluteHealthChecks.LiveTag, ResoluteHealthChecks.ResoluteTag]);
        if (orchestrator)
        {
            checks.AddCheck<DatabaseHealthCheck>(ResoluteHealthChecks.Database, HealthStatus.Unhealthy, ready, checkTimeout);
            checks.AddCheck<TimerLagHealthCheck>(ResoluteHealthChecks.TimerLag, HealthStatus.Unhealthy, ready, checkTimeout);
            if (transactionalOutbox)
            {
                checks.AddCheck<OutboxBacklogHealthCheck>(ResoluteHealthChecks.OutboxBacklog, HealthStatus.Unhealthy, ready, checkTimeout);
            }
        }

        // The broker: MassTransit's AddMassTransit already registers its bus check ("masstransit-bus", or for a bus of
        // Resolute's own beside the application's, "masstransit-resolute-bus"; tags "ready" and
        // "masstransit"); it is not duplicated here.

        // The drain: MassTransit lets running consumers finish for ConsumerStopTimeout, then cancels their
        // ConsumeContext.CancellationToken (the node's token is linked to it); StopTimeout bounds the whole bus stop.
        services.AddOptions<MassTransitHostOptions>().Configure<IOptions<WorkerOptions>>((o, worker) =>
        {
            o.ConsumerStopTimeout = worker.Value.ShutdownDrainTimeout;
            o.StopTimeout = worker.Value.ShutdownDrainTimeout + BusStopMargin;
        });

        // The host cancels the hosted services' StopAsync at its ShutdownTimeout (default 30 s), which would cut the drain
        // short: raise it when it is too short, never lower it.
        services.AddOptions<HostOptions>().PostConfigure<IOptions<WorkerOptions>>((o, worker) =>
        {
            var drain = worker.Value.ShutdownDrainTimeout;
            if (o.ShutdownTimeout != Timeout.InfiniteTimeSpan && o.ShutdownTimeout < drain + HostStopMargin)
            {
                o.ShutdownTimeout = drain + HostStopMargin;
            }
        });
    }
}
