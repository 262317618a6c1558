using Resolute.Client;
using Resolute.Orchestration;
using Resolute.Orchestration.Schedules;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Workers;

namespace Resolute;

/// <summary>
/// Configures Resolute in <c>services.AddResolute(r =&gt; …)</c>: flows, transport, persistence, roles. Defaults give the
/// embedded mode: in-memory transport, SQLite file <c>resolute.db</c>, both roles in this process.
/// </summary>
public sealed class ResoluteConfigurator
{
    private readonly List<(Flow Flow, string? TaskQueue)> _flows = [];
    private ResoluteRoles? _roles;

    internal ResoluteConfigurator()
    {
    }

    /// <summary>The flows registered so far.</summary>
    public IReadOnlyList<(Flow Flow, string? TaskQueue)> Flows => _flows;

    /// <summary>The roles of this process (default <see cref="ResoluteRoles.All"/>).</summary>
    public ResoluteRoles Roles => _roles ?? ResoluteRoles.All;

    /// <summary>The task queues this process's worker role consumes (empty = every queue of the registered flows).</summary>
    public List<string> WorkerQueues { get; } = [];

    /// <summary>The RabbitMQ address (<c>amqp://user:pass@host:port/vhost</c>), or null for the in-memory transport.</summary>
    public Uri? RabbitMqAddress { get; private set; }

    /// <summary>Orchestrator settings.</summary>
    public OrchestratorOptions Orchestrator { get; } = new();

    /// <summary>Worker settings.</summary>
    public WorkerOptions Worker { get; } = new();

    /// <summary>Client settings.</summary>
    public FlowClientOptions Client { get; } = new();

    /// <summary>Settings of the orchestrator's schedule runner (misfire threshold, cluster check-ins, ...).</summary>
    public ScheduleOptions Schedules { get; } = new();

    /// <summary>
    /// Settings of the transactional outbox of the orchestrator (used while
    /// <see cref="OrchestratorOptions.UseTransactionalOutbox"/> is true, the default).
    /// </summary>
    public ResoluteOutboxOptions Outbox { get; } = new();

    internal Action<ResolutePersistenceBuilder>? Persistence { get; private set; }

    internal bool ApplyMigrations { get; private set; } = true;

    /// <summary>Registers a flow. Its nodes run on <paramref name="taskQueue"/> (default <c>resolute-nodes</c>) unless a node names its own queue.</summary>
    public ResoluteConfigurator AddFlow(Flow flow, string? taskQueue = null)
    {
        ArgumentNullException.ThrowIfNull(flow);
        _flows.Add((flow, taskQueue));
        return this;
    }

    /// <summary>Uses the in-process, in-memory transport (the default; for the embedded mode and tests).</summary>
    public ResoluteConfigurator UseInMemoryTransport()
    {
        RabbitMqAddress = null;
        return this;
    }

    /// <summary>Uses RabbitMQ at <paramref name="address"/>, e.g. <c>amqp://guest:guest@localhost:5672/</c>.</summary>
    public ResoluteConfigurator UseRabbitMq(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme is not ("amqp" or "amqps" or "rabbitmq" or "rabbitmqs"))
        {
            throw new ArgumentException($"RabbitMQ address '{address}' must start with amqp:// or amqps://, e.g. amqp://guest:guest@localhost:5672/.", nameof(address));
        }

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

    /// <summary>Stores runs in PostgreSQL.</summary>
    public ResoluteConfigurator UsePostgres(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Persistence = p => p.UsePostgres(connectionString);
        return this;
    }

    /// <summary>Stores runs in SQL Server.</summary>
    public ResoluteConfigurator UseSqlServer(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Persistence = p => p.UseSqlServer(connectionString);
        return this;
    }

    /// <summary>Stores runs in SQLite (the embedded default: <c>Data Source=resolute.db</c>). One orchestrator process per file.</summary>
    public ResoluteConfigurator UseSqlite(string connectionString = "Data Source=resolute.db")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Persistence = p => p.UseSqlite(connectionString);
        return this;
    }

    /// <summary>Whether the database schema is migrated at start-up (default true). Turn off when migrations run as a deployment step.</summary>
    public ResoluteConfigurator ApplyMigrationsOnStartup(bool enabled = true)
    {
        ApplyMigrations = enabled;
        return this;
    }

    /// <summary>Adds the orchestrator role. Once any role is named, only the named roles run.</summary>
    public ResoluteConfigurator AsOrchestrator()
    {
        _roles = (_roles ?? ResoluteRoles.None) | ResoluteRoles.Orchestrator;
        return this;
    }

    /// <summary>Adds the worker role for <paramref name="taskQueues"/> (none = every queue of the registered flows).</summary>
    public ResoluteConfigurator AsWorker(params string[] taskQueues)
    {
        ArgumentNullException.ThrowIfNull(taskQueues);
        _roles = (_roles ?? ResoluteRoles.None) | ResoluteRoles.Worker;
        WorkerQueues.AddRange(taskQueues.Where(q => !string.IsNullOrWhiteSpace(q)));
        return this;
    }

    /// <summary>Runs only as a client (start and query runs) — no orchestrator, no worker.</summary>
    public ResoluteConfigurator AsClientOnly()
    {
        _roles = ResoluteRoles.None;
        return this;
    }

    /// <summary>Adjusts orchestrator settings.</summary>
    public ResoluteConfigurator ConfigureOrchestrator(Action<OrchestratorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Orchestrator);
        return this;
    }

    /// <summary>
    /// Adjusts the transactional outbox: how often and after how long the sweeper delivers messages the fast path left,
    /// how long consumed message ids are remembered, and (tests only) the fault hook.
    /// </summary>
    public ResoluteConfigurator ConfigureOutbox(Action<ResoluteOutboxOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Outbox);
        return this;
    }

    /// <summary>
    /// Adjusts the orchestrator's schedule runner: the default misfire threshold, how often replicas check in with the
    /// cluster and how soon a silent one is presumed dead, and the overlap checks' timings.
    /// </summary>
    public ResoluteConfigurator ConfigureSchedules(Action<ScheduleOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Schedules);
        return this;
    }

    /// <summary>Adjusts worker settings.</summary>
    public ResoluteConfigurator ConfigureWorker(Action<WorkerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Worker);
        return this;
    }

    /// <summary>Adjusts client settings.</summary>
    public ResoluteConfigurator ConfigureClient(Action<FlowClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Client);
        return this;
    }

    /// <summary>
    /// Thresholds of the health checks <c>AddResolute</c> registers (outbox backlog age, timer lag, stuck loops, query
    /// timeout); see <see cref="ResoluteHealthChecks"/>. The shutdown drain is <see cref="WorkerOptions.ShutdownDrainTimeout"/>.
    /// </summary>
    public ResoluteHealthOptions Health { get; } = new();

    /// <summary>Adjusts the thresholds of the health checks (validated by <c>AddResolute</c>).</summary>
    public ResoluteConfigurator ConfigureHealth(Action<ResoluteHealthOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Health);
        return this;
    }
}
