namespace Resolute;

/// <summary>
/// The configuration keys Resolute reads (appsettings, environment variables with <c>__</c> for <c>:</c>, command line).
/// Configuration is applied over what the code sets in <c>AddResolute(r =&gt; …)</c>.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>Resolute:Roles</c></term><description><c>Orchestrator</c>, <c>Worker</c>, <c>Orchestrator,Worker</c> (or <c>All</c>), <c>None</c> (client only).</description></item>
/// <item><term><c>Resolute:Worker:TaskQueues</c></term><description>The queues a worker serves: an array (<c>TaskQueues:0</c>, ...) or one comma-separated value.</description></item>
/// <item><term><c>Resolute:Worker:*</c>, <c>Resolute:Orchestrator:*</c>, <c>Resolute:Outbox:*</c>, <c>Resolute:Schedules:*</c>, <c>Resolute:Client:*</c>, <c>Resolute:Health:*</c>, <c>Resolute:Telemetry:*</c></term><description>The properties of WorkerOptions, OrchestratorOptions, ResoluteOutboxOptions, ScheduleOptions, FlowClientOptions, ResoluteHealthOptions, ResoluteTelemetryOptions.</description></item>
/// <item><term><c>Resolute:RabbitMq:*</c></term><description>MassTransit's <c>RabbitMqTransportOptions</c>: <c>Host</c>, <c>Port</c>, <c>VHost</c>, <c>User</c>, <c>Pass</c>, <c>UseSsl</c>, <c>ConnectionName</c> (read by <c>r.UseRabbitMq()</c>, package Resolute.RabbitMq, where Resolute creates the bus).</description></item>
/// <item><term><c>ConnectionStrings:Resolute</c></term><description>The saga database's connection string.</description></item>
/// <item><term><c>Resolute:ApplyMigrationsOnStartup</c></term><description><c>true</c> (default) or <c>false</c>.</description></item>
/// </list>
/// </remarks>
public static class ResoluteConfigurationKeys
{
    /// <summary>The section of Resolute's settings.</summary>
    public const string Section = "Resolute";

    /// <summary>The roles of this process.</summary>
    public const string Roles = "Resolute:Roles";

    /// <summary>The section bound to MassTransit's <c>RabbitMqTransportOptions</c> by <c>r.UseRabbitMq()</c> (package Resolute.RabbitMq).</summary>
    public const string RabbitMq = "Resolute:RabbitMq";

    /// <summary>The name of the connection string (<c>ConnectionStrings:Resolute</c>).</summary>
    public const string ConnectionStringName = "Resolute";

    /// <summary>Whether migrations run at start-up.</summary>
    public const string ApplyMigrationsOnStartup = "Resolute:ApplyMigrationsOnStartup";

    /// <summary>The section bound to <c>OrchestratorOptions</c>.</summary>
    public const string Orchestrator = "Resolute:Orchestrator";

    /// <summary>The section bound to <c>WorkerOptions</c>.</summary>
    public const string Worker = "Resolute:Worker";

    /// <summary>The section bound to <c>ResoluteOutboxOptions</c>.</summary>
    public const string Outbox = "Resolute:Outbox";

    /// <summary>The section bound to <c>ScheduleOptions</c>.</summary>
    public const string Schedules = "Resolute:Schedules";

    /// <summary>The section bound to <c>ResoluteHealthOptions</c>.</summary>
    public const string Health = "Resolute:Health";

    /// <summary>The section bound to <c>ResoluteTelemetryOptions</c> (whether to register the OTLP exporter, the gauge interval).</summary>
    public const string Telemetry = "Resolute:Telemetry";

    /// <summary>The section bound to <c>FlowClientOptions</c>.</summary>
    public const string Client = "Resolute:Client";
}
