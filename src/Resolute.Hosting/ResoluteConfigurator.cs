using Microsoft.Extensions.Configuration;
using Resolute.Client;
using Resolute.Orchestration;
using Resolute.Orchestration.Schedules;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
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

    internal ResoluteConfigurator()
    {
    }

    /// <summary>The flows registered so far.</summary>
    public IReadOnlyList<(Flow Flow, string? TaskQueue)> Flows => _flows;

    /// <summary>The roles set in code so far (null: none named, which means <see cref="ResoluteRoles.All"/>).</summary>
    internal ResoluteRoles? CodeRoles { get; private set; }

    /// <summary>The transport chosen in code: null (none chosen: in-memory, unless configuration names RabbitMQ).</summary>
    internal TransportChoice? Transport { get; private set; }

    /// <summary>The RabbitMQ address given in code, if any.</summary>
    internal Uri? RabbitMqAddress { get; private set; }

    /// <summary>The database chosen in code, if any.</summary>
    internal DatabaseChoice? Database { get; private set; }

    /// <summary>The connection string given in code, if any.</summary>
    internal string? ConnectionString { get; private set; }

    internal bool ApplyMigrations { get; private set; } = true;

    /// <summary>The configuration read by <c>AddResolute</c> (null: environment variables only).</summary>
    internal IConfiguration? Configuration { get; private set; }

    internal List<Action<OrchestratorOptions>> OrchestratorActions { get; } = [];

    internal List<Action<WorkerOptions>> WorkerActions { get; } = [];

    internal List<Action<FlowClientOptions>> ClientActions { get; } = [];

    internal List<Action<ScheduleOptions>> ScheduleActions { get; } = [];

    internal List<Action<ResoluteOutboxOptions>> OutboxActions { get; } = [];

    /// <summary>Registers a flow. Its nodes run on <paramref name="taskQueue"/> (default <c>resolute-nodes</c>) unless a node names its own queue.</summary>
    public ResoluteConfigurator AddFlow(Flow flow, string? taskQueue = null)
    {
        ArgumentNullException.ThrowIfNull(flow);
        _flows.Add((flow, taskQueue));
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
        Transport = TransportChoice.InMemory;
        RabbitMqAddress = null;
        return this;
    }

    /// <summary>
    /// Uses RabbitMQ. The address comes from configuration (<c>Resolute:RabbitMq:Host</c>, <c>Port</c>, <c>VHost</c>,
    /// <c>User</c>, <c>Pass</c>, <c>UseSsl</c>: MassTransit's <c>RabbitMqTransportOptions</c>), defaulting to
    /// <c>guest@localhost:5672</c>.
    /// </summary>
    public ResoluteConfigurator UseRabbitMq()
    {
        Transport = TransportChoice.RabbitMq;
        return this;
    }

    /// <summary>Uses RabbitMQ at <paramref name="address"/>, e.g. <c>amqp://guest:guest@localhost:5672/</c> (configuration keys still override its parts).</summary>
    public ResoluteConfigurator UseRabbitMq(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme is not ("amqp" or "amqps" or "rabbitmq" or "rabbitmqs"))
        {
            throw new ArgumentException($"RabbitMQ address '{address}' must start with amqp:// or amqps://, e.g. amqp://guest:guest@localhost:5672/.", nameof(address));
        }

        Transport = TransportChoice.RabbitMq;
        RabbitMqAddress = address;
        return this;
    }

    /// <summary>Uses RabbitMQ at <paramref name="address"/>, e.g. <c>amqp://guest:guest@localhost:5672/</c>.</summary>
    public ResoluteConfigurator UseRabbitMq(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"RabbitMQ address '{address}' is not an absolute URI; write e.g. amqp://guest:guest@localhost:5672/.", nameof(address));
        }

        return UseRabbitMq(uri);
    }

    /// <summary>Stores runs in PostgreSQL. Without <paramref name="connectionString"/>, reads <c>ConnectionStrings:Resolute</c>.</summary>
    public ResoluteConfigurator UsePostgres(string? connectionString = null) => UseDatabase(DatabaseChoice.PostgreSql, connectionString);

    /// <summary>Stores runs in SQL Server. Without <paramref name="connectionString"/>, reads <c>ConnectionStrings:Resolute</c>.</summary>
    public ResoluteConfigurator UseSqlServer(string? connectionString = null) => UseDatabase(DatabaseChoice.SqlServer, connectionString);

    /// <summary>
    /// Stores runs in SQLite (the embedded default: <c>Data Source=resolute.db</c>, or <c>ConnectionStrings:Resolute</c>
    /// when set). One orchestrator process per file.
    /// </summary>
    public ResoluteConfigurator UseSqlite(string? connectionString = null) => UseDatabase(DatabaseChoice.Sqlite, connectionString);

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

    private ResoluteConfigurator UseDatabase(DatabaseChoice database, string? connectionString)
    {
        if (connectionString is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        }

        Database = database;
        ConnectionString = connectionString;
        return this;
    }

    /// <summary>A transport <c>services.AddResolute</c> can create a bus on.</summary>
    internal enum TransportChoice
    {
        InMemory,
        RabbitMq,
    }

    /// <summary>A saga database.</summary>
    internal enum DatabaseChoice
    {
        Sqlite,
        PostgreSql,
        SqlServer,
    }
}
