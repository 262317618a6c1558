namespace Resolute;

/// <summary>
/// The names and tags of the health checks <c>AddResolute</c> registers. Map them in an ASP.NET Core app by tag:
/// <code>
/// app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c =&gt; c.Tags.Contains(ResoluteHealthChecks.ReadyTag) });
/// app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c =&gt; c.Tags.Contains(ResoluteHealthChecks.LiveTag) });
/// </code>
/// Readiness: <see cref="Database"/>, <see cref="OutboxBacklog"/> and <see cref="TimerLag"/> (orchestrator role) and
/// MassTransit's own bus check, <see cref="Bus"/> (every role: connected to the broker, endpoints up; tags
/// <c>ready</c> and <c>masstransit</c>). Liveness: <see cref="Loops"/>, which never touches the database or broker.
/// Thresholds: <see cref="ResoluteHealthOptions"/>.
/// </summary>
public static class ResoluteHealthChecks
{
    /// <summary>The tag of the readiness checks (the one MassTransit gives its bus check too).</summary>
    public const string ReadyTag = "ready";

    /// <summary>The tag of the liveness checks.</summary>
    public const string LiveTag = "live";

    /// <summary>The tag every Resolute check carries (not MassTransit's).</summary>
    public const string ResoluteTag = "resolute";

    /// <summary>Orchestrator: the saga database answers a trivial query.</summary>
    public const string Database = "resolute-database";

    /// <summary>
    /// Orchestrator with the transactional outbox: the oldest unsent outbox row is younger than
    /// <see cref="ResoluteHealthOptions.OutboxBacklogUnhealthyAge"/> (Degraded past <see cref="ResoluteHealthOptions.OutboxBacklogDegradedAge"/>).
    /// </summary>
    public const string OutboxBacklog = "resolute-outbox-backlog";

    /// <summary>
    /// Orchestrator: no run timer is overdue by more than <see cref="ResoluteHealthOptions.TimerLagUnhealthyAfter"/>
    /// (Degraded past <see cref="ResoluteHealthOptions.TimerLagDegradedAfter"/>).
    /// </summary>
    public const string TimerLag = "resolute-timer-lag";

    /// <summary>
    /// Every role (liveness): each background loop of this process completed a pass within
    /// <see cref="ResoluteHealthOptions.LoopStallTimeout"/>. A process without loops (a worker) is always healthy here.
    /// </summary>
    public const string Loops = "resolute-loops";

    /// <summary>
    /// MassTransit's health check of the bus Resolute is on, registered by <c>AddMassTransit</c> (tags <c>ready</c>,
    /// <c>masstransit</c>) and named after the bus: this one for the container's bus (<c>IBus</c>);
    /// <see cref="ResoluteBus"/> where Resolute has a bus of its own beside the application's (<see cref="IResoluteBus"/>).
    /// </summary>
    public const string Bus = "masstransit-bus";

    /// <summary>MassTransit's health check of <see cref="IResoluteBus"/>, Resolute's bus beside the application's.</summary>
    public const string ResoluteBus = "masstransit-resolute-bus";
}
