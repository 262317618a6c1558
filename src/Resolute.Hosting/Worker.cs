using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Resolute;

/// <summary>
/// The seed-style entry point: <c>await new Worker().WithConfig(new WorkerConfig { TaskQueue = "q" }).WithFlow(flow).RunAsync();</c>.
/// By default it runs embedded — orchestrator and node worker in this process, in-memory transport, SQLite file —
/// and <see cref="Configure"/> switches it to RabbitMQ/PostgreSQL or to one role. For full control of the host, use
/// <c>services.AddResolute(...)</c> instead.
/// </summary>
public sealed class Worker
{
    private readonly List<Flow> _flows = [];
    private readonly List<Action<ResoluteConfigurator>> _configure = [];
    private readonly List<Action<HostApplicationBuilder>> _configureHost = [];
    private WorkerConfig _config = new();

    /// <summary>Sets the task queue and concurrency (seed: <c>WithConfig(WorkerConfig{...})</c>).</summary>
    public Worker WithConfig(WorkerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        return this;
    }

    /// <summary>Registers a flow; its nodes run on <see cref="WorkerConfig.TaskQueue"/> unless a node names its own queue.</summary>
    public Worker WithFlow(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        _flows.Add(flow);
        return this;
    }

    /// <summary>Further settings: transport, persistence, roles, options.</summary>
    public Worker Configure(Action<ResoluteConfigurator> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configure.Add(configure);
        return this;
    }

    /// <summary>Adjusts the generic host (logging, configuration, extra services) before it is built.</summary>
    public Worker ConfigureHost(Action<HostApplicationBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configureHost.Add(configure);
        return this;
    }

    /// <summary>Builds the host without starting it (to resolve an <c>IFlowClient</c> and start runs, for example).</summary>
    public IHost Build(string[]? args = null)
    {
        var builder = Host.CreateApplicationBuilder(args ?? []);
        builder.AddResolute(r =>
        {
            foreach (var flow in _flows)
            {
                r.AddFlow(flow, _config.TaskQueue);
            }

            r.ConfigureWorker(w =>
            {
                w.ConcurrentNodeLimit = _config.MaxConcurrentNodes;
                if (_config.WorkerId is { } id)
                {
                    w.WorkerId = id;
                }
            });
            foreach (var configure in _configure)
            {
                configure(r);
            }
        });
        foreach (var configure in _configureHost)
        {
            configure(builder);
        }

        return builder.Build();
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> fires or the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        using var host = Build();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Settings of the seed-style <see cref="Worker"/>.</summary>
public sealed class WorkerConfig
{
    /// <summary>The task queue the flows' nodes run on (seed: <c>TaskQueue</c>). Default <c>resolute-nodes</c>.</summary>
    public string TaskQueue { get; set; } = FlowRegistry.DefaultTaskQueue;

    /// <summary>Node executions running at once in this process, per queue. Default 16.</summary>
    public int MaxConcurrentNodes { get; set; } = 16;

    /// <summary>This worker's id in run history; default <c>{machine}/{pid}</c>.</summary>
    public string? WorkerId { get; set; }
}
