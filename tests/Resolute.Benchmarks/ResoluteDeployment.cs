using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Resolute.Client;
using Resolute.Contracts;

namespace Resolute.Benchmarks;

/// <summary>
/// Resolute as the benchmark runs it, through its public surface only (AddResolute, IFlowClient, the run events):
/// embedded (one process: in-memory transport + SQLite) or distributed (orchestrator and workers as child processes,
/// RabbitMQ + PostgreSQL, each deployment on its own database and virtual host).
/// </summary>
public sealed class ResoluteDeployment : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly List<ChildProcess> _children = [];
    private readonly List<Func<Task>> _teardown = [];
    private readonly string[] _childArguments;

    private ResoluteDeployment(IHost host, RunCompletions runs, string[] childArguments)
    {
        _host = host;
        Runs = runs;
        _childArguments = childArguments;
        Client = host.Services.GetRequiredService<IFlowClient>();
    }

    public IFlowClient Client { get; }

    /// <summary>Runs this deployment's client waits for, ended by FlowRunCompleted / FlowRunFailed events.</summary>
    public RunCompletions Runs { get; }

    public ChildProcess? Orchestrator => _children.FirstOrDefault(c => c.Name == "orchestrator");

    public int Workers => _children.Count(c => c.Name.StartsWith("worker", StringComparison.Ordinal));

    public static async Task<ResoluteDeployment> StartEmbeddedAsync(bool outbox, CancellationToken cancellationToken)
    {
        // A fresh file per deployment, so no pass inherits another's rows.
        var database = Path.Combine(Path.GetTempPath(), $"resolute-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.db");
        var host = await StartHostAsync(r => r.UseSqlite($"Data Source={database}").ConfigureOrchestrator(o => o.UseTransactionalOutbox = outbox), cancellationToken);
        var deployment = new ResoluteDeployment(host, await ListenAsync(host, countStarts: false, cancellationToken), []);
        deployment._teardown.Add(() =>
        {
            foreach (var file in new[] { database, database + "-wal", database + "-shm" })
            {
                File.Delete(file);
            }

            return Task.CompletedTask;
        });
        return deployment;
    }

    /// <param name="countStarts">Also subscribe to FlowRunStarted (<see cref="RunCompletions.Started"/>); off elsewhere, so
    /// the broker routes no events the measurement does not need.</param>
    public static async Task<ResoluteDeployment> StartDistributedAsync(
        BenchmarkOptions options, string name, bool outbox, int? workerConcurrency, CancellationToken cancellationToken, bool countStarts = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rabbit = options.RabbitMq ?? throw new ArgumentException("distributed sections need --rabbitmq amqp://user:pass@host:port/");
        var server = options.Postgres ?? throw new ArgumentException("distributed sections need --postgres \"Host=...;Username=...\"");
        var id = $"resolute_bench_{name}_{DateTime.UtcNow:HHmmss}_{Environment.ProcessId}";
        var adminConnection = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString;
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = id }.ConnectionString;
        var vhosts = new RabbitMqVirtualHosts(new Uri(rabbit), options.RabbitMqManagement is null ? null : new Uri(options.RabbitMqManagement));
        var teardown = new List<Func<Task>>();
        try
        {
            await ExecuteAsync(adminConnection, $"CREATE DATABASE \"{id}\"", cancellationToken);
            teardown.Add(async () =>
            {
                NpgsqlConnection.ClearAllPools();
                await ExecuteAsync(adminConnection, $"DROP DATABASE IF EXISTS \"{id}\" WITH (FORCE)", CancellationToken.None);
            });
            var vhost = id.Replace('_', '-');
            var address = (await vhosts.CreateAsync(vhost, cancellationToken)).ToString();
            teardown.Add(async () =>
            {
                await vhosts.DeleteAsync(vhost, CancellationToken.None);
                vhosts.Dispose();
            });

            string[] arguments =
            [
                "--rabbitmq", address, "--postgres", connectionString, "--outbox", outbox ? "on" : "off",
                .. workerConcurrency is { } limit ? new[] { "--child-worker-concurrency", limit.ToString(System.Globalization.CultureInfo.InvariantCulture) } : [],
            ];

            // The orchestrator first: it creates the schema and the saga queue before any worker replies.
            var orchestrator = await ChildProcess.StartAsync("orchestrator", typeof(BenchmarkFlow).Assembly.Location, ["--role", "orchestrator", .. arguments], cancellationToken);
            var worker = await ChildProcess.StartAsync("worker-1", typeof(BenchmarkFlow).Assembly.Location, ["--role", "worker", .. arguments], cancellationToken);

            var host = await StartHostAsync(r => r.UseRabbitMq(address).AsClientOnly(), cancellationToken);
            var deployment = new ResoluteDeployment(host, await ListenAsync(host, countStarts, cancellationToken), arguments);
            deployment._children.Add(orchestrator);
            deployment._children.Add(worker);
            deployment._teardown.AddRange(teardown);
            return deployment;
        }
        catch
        {
            foreach (var step in Enumerable.Reverse(teardown))
            {
                await step();
            }

            throw;
        }
    }

    /// <summary>Adds a worker process (same settings as the first).</summary>
    public async Task AddWorkerAsync(CancellationToken cancellationToken)
    {
        var name = $"worker-{Workers + 1}";
        _children.Add(await ChildProcess.StartAsync(name, typeof(BenchmarkFlow).Assembly.Location, ["--role", "worker", .. _childArguments], cancellationToken));
    }

    /// <summary>Methods JIT-compiled in every process of the deployment (the client's included).</summary>
    public long CompiledMethods() => RunDriver.CompiledMethodsHere() + _children.Sum(c => c.CompiledMethods);

    public IRunTarget Target(string flowName) => new FlowTarget(this, flowName);

    /// <summary>The public snapshots of finished runs (after the clock stopped: it costs a query per run).</summary>
    public async Task<IReadOnlyList<FlowRunDescription>> DescribeAsync(IReadOnlyList<Guid> runIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        var found = new FlowRunDescription?[runIds.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, runIds.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, token) => found[i] = await Client.GetRunAsync(runIds[i], token));
        return found.OfType<FlowRunDescription>().ToList();
    }

    /// <summary>Ends the child processes at once instead of stopping them (their nodes never finish).</summary>
    public async Task KillChildrenAsync()
    {
        foreach (var child in _children)
        {
            await child.KillAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        // Workers before the orchestrator: their last replies still find it.
        foreach (var child in Enumerable.Reverse(_children))
        {
            await child.DisposeAsync();
        }

        foreach (var step in Enumerable.Reverse(_teardown))
        {
            await step();
        }
    }

    private static async Task<IHost> StartHostAsync(Action<ResoluteConfigurator> configure, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddResolute(r =>
        {
            foreach (var flow in BenchmarkFlow.All)
            {
                r.AddFlow(flow, BenchmarkFlow.TaskQueue);
            }

            configure(r);
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    /// <summary>
    /// Subscribes the client to the run events on a temporary queue of Resolute's bus (the host's only bus, which
    /// connects receive endpoints at run time): completion is pushed, nothing polls the runs.
    /// </summary>
    private static async Task<RunCompletions> ListenAsync(IHost host, bool countStarts, CancellationToken cancellationToken)
    {
        var runs = new RunCompletions();
        var bus = host.Services.GetRequiredService<IBus>();
        var handle = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition("resolute-bench-events"), KebabCaseEndpointNameFormatter.Instance, e =>
        {
            if (countStarts)
            {
                e.Handler<FlowRunStarted>(_ =>
                {
                    runs.OnStarted();
                    return Task.CompletedTask;
                });
            }

            e.Handler<FlowRunCompleted>(c =>
            {
                runs.OnEnded(c.Message.RunId, completed: true);
                return Task.CompletedTask;
            });
            e.Handler<FlowRunFailed>(c =>
            {
                runs.OnEnded(c.Message.RunId, completed: false);
                return Task.CompletedTask;
            });
        });
        await handle.Ready.WaitAsync(cancellationToken);
        return runs;
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Starts runs of one flow with a run id chosen here, so the waiter is registered before the start.</summary>
    private sealed class FlowTarget(ResoluteDeployment deployment, string flowName) : IRunTarget
    {
        private int _next;

        public string Name => flowName;

        public Task<StartedRun> StartAsync(CancellationToken cancellationToken)
        {
            var runId = NewId.NextGuid();
            var input = new BenchInput(Interlocked.Increment(ref _next));
            return deployment.Runs.StartAsync(runId, () => deployment.Client.StartAsync(flowName, input, new StartFlowOptions { RunId = runId }, cancellationToken));
        }
    }
}
