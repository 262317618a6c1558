using MassTransit;
using Microsoft.Extensions.Configuration;
using Resolute.Client;
using Resolute.Health;
using Resolute.Orchestration;
using Resolute.Orchestration.Schedules;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.Sqlite;
using Resolute.Workers;

namespace Resolute;

/// <summary>
/// Configures Resolute in <c>AddResolute(r =&gt; …)</c>: flows, roles, transport, persistence, options. Defaults give the
/// embedded mode: in-memory transport, SQLite file <c>resolute.db</c>, both roles in this process.
/// </summary>
/// <remarks>
/// What is set here is the code's default. Configuration (the <c>Resolute</c> section and
/// <c>ConnectionStrings:Resolute</c>, see <see cref="ResoluteConfigurationKeys"/>) is applied over it, so that one image
/// can be told by environment variables which roles to run and which queues to serve.
/// </remarks>
public sealed class ResoluteConfigurator
{
    private readonly List<(Flow Flow, string? TaskQueue)> _flows = [];
    private readonly List<(Flow Flow, string? TaskQueue)> _previousFlows = [];

    internal ResoluteConfigurator()
    {
    }

    /// <summary>The flows registered so far.</summary>
    public IReadOnlyList<(Flow Flow, string? TaskQueue)> Flows => _flows;

    /// <summary>The previous flow versions kept registered (<see cref="AddPreviousFlowVersion"/>).</summary>
    public IReadOnlyList<(Flow Flow, string? TaskQueue)> PreviousFlowVersions => _previousFlows;

    /// <summary>The roles set in code so far (null: none named, which means <see cref="ResoluteRoles.All"/>).</summary>
    internal ResoluteRoles? CodeRoles { get; private set; }

    /// <summary>The transport chosen in code (a transport package's <c>Use…</c>), or null: the in-memory transport.</summary>
    internal TransportRegistration? Transport { get; private set; }

    /// <summary>The database chosen in code (a database package's <c>Use…</c>, or <see cref="UseSqlite"/>), or null: SQLite.</summary>
    internal DatabaseRegistration? Database { get; private set; }

    internal bool ApplyMigrations { get; private set; } = true;

    /// <summary>The configuration read by <c>AddResolute</c> (null: environment variables only).</summary>
    internal IConfiguration? Configuration { get; private set; }

    internal List<Action<OrchestratorOptions>> OrchestratorActions { get; } = [];

    internal List<Action<WorkerOptions>> WorkerActions { get; } = [];

    internal List<Action<FlowClientOptions>> ClientActions { get; } = [];

    internal List<Action<ScheduleOptions>> ScheduleActions { get; } = [];

    internal List<Action<ResoluteOutboxOptions>> OutboxActions { get; } = [];

    internal List<Action<ResoluteHealthOptions>> HealthActions { get; } = [];

    internal List<Action<ResoluteTelemetryOptions>> TelemetryActions { get; } = [];

    /// <summary>Registers a flow. Its nodes run on <paramref name="taskQueue"/> (default <c>resolute-nodes</c>) unless a node names its own queue.</summary>
    public ResoluteConfigurator AddFlow(Flow flow, string? taskQueue = null)
    {
        ArgumentNullException.ThrowIfNull(flow);
        _flows.Add((flow, taskQueue));
        return this;
    }

    /// <summary>
    /// Keeps a previous definition of a flow registered beside the current one (<see cref="AddFlow"/>), the way a rolling
    /// upgrade needs it: runs started under the previous version go on with it — the orchestrator walks their plan and
    /// workers run their nodes — while new runs follow the current version. Register it on orchestrators and workers
    /// alike, and drop it once none of its runs is in flight (runs list their <c>FlowVersion</c>). A worker that has
    /// neither version of a command answers so, and the attempt waits for one that has (see <c>docs/operations.md</c>).
    /// </summary>
    /// <param name="flow">The previous definition (same name as a flow registered with <see cref="AddFlow"/>).</param>
    /// <param name="taskQueue">Its nodes' queue, as it was registered before (default <c>resolute-nodes</c>).</param>
    public ResoluteConfigurator AddPreviousFlowVersion(Flow flow, string? taskQueue = null)
    {
        ArgumentNullException.ThrowIfNull(flow);
        _previousFlows.Add((flow, taskQueue));
        return this;
    }

    /// <summary>
    /// Reads settings from <paramref name="configuration"/>: the <c>Resolute</c> section and
    /// <c>ConnectionStrings:Resolute</c> (see <see cref="ResoluteConfigurationKeys"/>), over what the code sets.
    /// <c>builder.AddResolute(...)</c> does this with the host's configuration (appsettings, environment, command line).
    /// Without it, <c>AddResolute</c> reads environment variables only (<c>Resolute__Roles</c>, ...).
    /// </summary>
    public ResoluteConfigurator UseConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Configuration = configuration;
        return this;
    }

    /// <summary>Uses the in-process, in-memory transport (the default; for the embedded mode and tests).</summary>
    public ResoluteConfigurator UseInMemoryTransport()
    {
        Transport = null;
        return this;
    }

    /// <summary>
    /// Sets the transport of the bus <c>services.AddResolute</c> creates. For transport packages: <c>r.UseRabbitMq(…)</c>
    /// (package Resolute.RabbitMq) calls this. <paramref name="configure"/> gets the bus being configured and the
    /// configuration Resolute reads, and calls <c>x.Using…(…)</c>.
    /// </summary>
    /// <param name="name">The transport's name, for messages (e.g. <c>RabbitMq</c>).</param>
    /// <param name="configure">Configures the transport on the bus.</param>
    public ResoluteConfigurator UseTransport(string name, Action<IBusRegistrationConfigurator, IConfiguration> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        Transport = new TransportRegistration(name, configure);
        return this;
    }

    /// <summary>
    /// Stores runs in SQLite (the embedded default: <c>Data Source=resolute.db</c>, or <c>ConnectionStrings:Resolute</c>
    /// when set). One orchestrator process per file.
    /// </summary>
    public ResoluteConfigurator UseSqlite(string? connectionString = null) =>
        UseDatabase("Sqlite", cs => new SqliteDatabaseProvider(cs), connectionString, defaultConnectionString: "Data Source=resolute.db");

    /// <summary>
    /// Sets the saga database. For database packages: <c>r.UsePostgres(…)</c> (Resolute.Persistence.PostgreSql) and
    /// <c>r.UseSqlServer(…)</c> (Resolute.Persistence.SqlServer) call this. The connection string is
    /// <c>ConnectionStrings:Resolute</c> when configured, else <paramref name="connectionString"/>, else
    /// <paramref name="defaultConnectionString"/>.
    /// </summary>
    /// <param name="name">The database's name as its <c>Use…</c> method says it, for messages (e.g. <c>Postgres</c>).</param>
    /// <param name="create">Creates the provider for a connection string.</param>
    /// <param name="connectionString">The code's connection string, or null to read configuration.</param>
    /// <param name="defaultConnectionString">Used when neither configuration nor code gives one; null: required.</param>
    public ResoluteConfigurator UseDatabase(string name, Func<string, ResoluteDatabaseProvider> create, string? connectionString = null, string? defaultConnectionString = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(create);
        if (connectionString is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        }

        Database = new DatabaseRegistration(name, create, connectionString, defaultConnectionString);
        return this;
    }

    /// <summary>Whether the database schema is migrated at start-up (default true). Turn off when migrations run as a deployment step.</summary>
    public ResoluteConfigurator ApplyMigrationsOnStartup(bool enabled = true)
    {
        ApplyMigrations = enabled;
        return this;
    }

    /// <summary>Adds the orchestrator role. Once any role is named, only the named roles run (configuration <c>Resolute:Roles</c> overrides).</summary>
    public ResoluteConfigurator AsOrchestrator()
    {
        CodeRoles = (CodeRoles ?? ResoluteRoles.None) | ResoluteRoles.Orchestrator;
        return this;
    }

    /// <summary>
    /// Adds the worker role for <paramref name="taskQueues"/> (none = every queue of the registered flows;
    /// configuration <c>Resolute:Worker:TaskQueues</c> overrides).
    /// </summary>
    public ResoluteConfigurator AsWorker(params string[] taskQueues)
    {
        ArgumentNullException.ThrowIfNull(taskQueues);
        CodeRoles = (CodeRoles ?? ResoluteRoles.None) | ResoluteRoles.Worker;
        var queues = taskQueues.Where(q => !string.IsNullOrWhiteSpace(q)).ToList();
        if (queues.Count > 0)
        {
            WorkerActions.Add(w => w.TaskQueues.AddRange(queues.Where(q => !w.TaskQueues.Contains(q))));
        }

        return this;
    }

    /// <summary>Runs only as a client (start and query runs) — no orchestrator, no worker.</summary>
    public ResoluteConfigurator AsClientOnly()
    {
        CodeRoles = ResoluteRoles.None;
        return this;
    }

    /// <summary>Adjusts orchestrator settings (configuration section <c>Resolute:Orchestrator</c> is applied after).</summary>
    public ResoluteConfigurator ConfigureOrchestrator(Action<OrchestratorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        OrchestratorActions.Add(configure);
        return this;
    }

    /// <summary>
    /// Adjusts the transactional outbox: how often and after how long the sweeper delivers messages the fast path left,
    /// and how long consumed message ids are remembered (configuration section <c>Resolute:Outbox</c> is applied after).
    /// </summary>
    public ResoluteConfigurator ConfigureOutbox(Action<ResoluteOutboxOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        OutboxActions.Add(configure);
        return this;
    }

    /// <summary>
    /// Adjusts the orchestrator's schedule runner: the default misfire threshold, how often replicas check in with the
    /// cluster and how soon a silent one is presumed dead, and the overlap checks' timings (section <c>Resolute:Schedules</c>).
    /// </summary>
    public ResoluteConfigurator ConfigureSchedules(Action<ScheduleOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ScheduleActions.Add(configure);
        return this;
    }

    /// <summary>Adjusts worker settings (configuration section <c>Resolute:Worker</c> is applied after).</summary>
    public ResoluteConfigurator ConfigureWorker(Action<WorkerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        WorkerActions.Add(configure);
        return this;
    }

    /// <summary>Adjusts client settings (configuration section <c>Resolute:Client</c> is applied after).</summary>
    public ResoluteConfigurator ConfigureClient(Action<FlowClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ClientActions.Add(configure);
        return this;
    }

    /// <summary>
    /// Adjusts the thresholds of the health checks <c>AddResolute</c> registers (outbox backlog age, timer lag, stuck
    /// loops, query timeout; section <c>Resolute:Health</c>); see <see cref="ResoluteHealthChecks"/>. The shutdown drain
    /// is <see cref="WorkerOptions.ShutdownDrainTimeout"/>.
    /// </summary>
    public ResoluteConfigurator ConfigureHealth(Action<ResoluteHealthOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        HealthActions.Add(configure);
        return this;
    }

    /// <summary>
    /// Adjusts how Resolute reports to OpenTelemetry (section <c>Resolute:Telemetry</c>): whether it registers the OTLP
    /// exporter, how often the orchestrator samples its gauges. Exporting itself follows the standard <c>OTEL_*</c>
    /// variables; see <see cref="ResoluteTelemetryOptions"/>.
    /// </summary>
    public ResoluteConfigurator ConfigureTelemetry(Action<ResoluteTelemetryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        TelemetryActions.Add(configure);
        return this;
    }

    /// <summary>A transport set in code.</summary>
    internal sealed record TransportRegistration(string Name, Action<IBusRegistrationConfigurator, IConfiguration> Configure);

    /// <summary>A database set in code.</summary>
    internal sealed record DatabaseRegistration(string Name, Func<string, ResoluteDatabaseProvider> Create, string? ConnectionString, string? DefaultConnectionString);
}
