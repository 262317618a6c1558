using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Resolute.Orchestration.Health;

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

    // A CancellationTokenSource accepts at most int.MaxValue milliseconds (about 24.8 days).
    private static readonly TimeSpan MaxDrain = TimeSpan.FromMilliseconds(int.MaxValue) - HostStopMargin;

    /// <summary>Registers the checks for <paramref name="roles"/> and the shutdown drain, from the settings of <paramref name="resolute"/>.</summary>
    /// <remarks>
    /// The checks get a copy of <see cref="ResoluteConfigurator.Health"/> with thresholds raised to what the outbox and
    /// the timer loop take by design (<see cref="ResoluteHealthOptions.WithFloors"/>).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A threshold or the drain is out of range (the message names it).</exception>
    public static void Add(IServiceCollection services, ResoluteRoles roles, ResoluteConfigurator resolute)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(resolute);
        var health = resolute.Health;
        health.Validate();
        var orchestrator = roles.HasFlag(ResoluteRoles.Orchestrator);
        var transactionalOutbox = orchestrator && resolute.Orchestrator.UseTransactionalOutbox;

        // Thresholds below what the outbox and the timer loop take by design are raised to it, so that a longer SweepAge
        // or TimerPollInterval never makes a healthy orchestrator report itself broken (nor fails AddResolute).
        var outbox = resolute.Outbox;
        var poll = resolute.Orchestrator.TimerPollInterval;
        var effective = health.WithFloors(
            outboxDegraded: outbox.SweepAge + outbox.SweepInterval,
            outboxUnhealthy: outbox.SweepAge + outbox.SweepInterval + outbox.DeliveryTimeout,
            timerLag: 2 * poll,
            loopStall: (transactionalOutbox && outbox.SweepInterval > poll ? outbox.SweepInterval : poll) + TimeSpan.FromMinutes(1));

        var drain = resolute.Worker.ShutdownDrainTimeout;
        if (drain < TimeSpan.Zero || drain > MaxDrain)
        {
            throw OutOfRange(nameof(resolute.Worker.ShutdownDrainTimeout), drain,
                "WorkerOptions.ShutdownDrainTimeout must be zero or positive (and under 24 days), e.g. TimeSpan.FromSeconds(25).");
        }

        services.AddSingleton(effective);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LoopHeartbeats>();

        var ready = new[] { ResoluteHealthChecks.ReadyTag, ResoluteHealthChecks.ResoluteTag };
        var checks = services.AddHealthChecks();
        checks.AddCheck<LoopsHealthCheck>(ResoluteHealthChecks.Loops, HealthStatus.Unhealthy, [ResoluteHealthChecks.LiveTag, ResoluteHealthChecks.ResoluteTag]);
        if (orchestrator)
        {
            checks.AddCheck<DatabaseHealthCheck>(ResoluteHealthChecks.Database, HealthStatus.Unhealthy, ready, effective.CheckTimeout);
            checks.AddCheck<TimerLagHealthCheck>(ResoluteHealthChecks.TimerLag, HealthStatus.Unhealthy, ready, effective.CheckTimeout);
            if (transactionalOutbox)
            {
                checks.AddCheck<OutboxBacklogHealthCheck>(ResoluteHealthChecks.OutboxBacklog, HealthStatus.Unhealthy, ready, effective.CheckTimeout);
            }
        }

        // The broker: MassTransit's AddMassTransit already registers its bus check ("masstransit-bus", tags "ready" and
        // "masstransit"); it is not duplicated here.

        // The drain: MassTransit lets running consumers finish for ConsumerStopTimeout, then cancels their
        // ConsumeContext.CancellationToken (the node's token is linked to it); StopTimeout bounds the whole bus stop.
        services.Configure<MassTransitHostOptions>(o =>
        {
            o.ConsumerStopTimeout = drain;
            o.StopTimeout = drain + BusStopMargin;
        });

        // The host cancels the hosted services' StopAsync at its ShutdownTimeout (default 30 s), which would cut the drain
        // short: raise it when it is too short, never lower it.
        services.PostConfigure<HostOptions>(o =>
        {
            if (o.ShutdownTimeout != Timeout.InfiniteTimeSpan && o.ShutdownTimeout < drain + HostStopMargin)
            {
                o.ShutdownTimeout = drain + HostStopMargin;
            }
        });
    }

    // The setting's name as the parameter name, as the options' own Validate methods do.
    private static ArgumentOutOfRangeException OutOfRange(string paramName, TimeSpan value, string message) => new(paramName, value, message);
}
