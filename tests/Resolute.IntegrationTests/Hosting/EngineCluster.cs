using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Resolute.Client;
using Resolute.IntegrationTests.Infrastructure;
using Resolute.TestFlows;
using Xunit.Sdk;

namespace Resolute.IntegrationTests.Hosting;

/// <summary>A worker process of a cluster.</summary>
/// <param name="WorkerId">Its id, recorded in run history for every node it runs.</param>
/// <param name="Queues">The task queues it consumes; empty = every queue of the test flows.</param>
/// <param name="Concurrency">Node executions at once per queue.</param>
/// <param name="ShutdownDrain">How long its running nodes may finish once it is stopped (<c>--shutdown-drain</c>); null = the default.</param>
public sealed record WorkerSpec(string WorkerId, IReadOnlyList<string> Queues, int Concurrency = 16, TimeSpan? ShutdownDrain = null);

/// <summary>
/// A Resolute deployment for one test class (an xunit class fixture), isolated from every other class: a RabbitMQ
/// virtual host and a PostgreSQL database of its own, one orchestrator process (which migrates the database at start),
/// the worker processes the scenario needs, and an in-test client host (<c>AsClientOnly()</c>) for
/// <see cref="IFlowClient"/> and <see cref="IBus"/>. The orchestrator is started and ready before any worker, so only
/// one process ever migrates the database. Everything is removed again on dispose.
/// </summary>
public abstract class EngineCluster : IAsyncLifetime
{
    /// <summary>How long a test host may take to print READY.</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long a run may take to end, unless a scenario says otherwise.</summary>
    public static readonly TimeSpan DefaultRunTimeout = TimeSpan.FromSeconds(60);

    private readonly List<TestHostProcess> _workers = [];
    private readonly List<TestHostProcess> _extraOrchestrators = [];
    private TestHostProcess? _orchestrator;
    private IHost? _clientHost;
    private bool _virtualHostCreated;
    private bool _databaseCreated;

    /// <summary>Creates the cluster's names; nothing starts before <see cref="InitializeAsync"/>.</summary>
    protected EngineCluster()
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        VirtualHost = $"resolute-it-{GetType().Name.ToLowerInvariant()}-{id}";
        Database = $"resolute_it_{id}";
    }

    /// <summary>The servers test.sh started.</summary>
    public TestEnvironment Servers { get; } = new();

    /// <summary>Output of every process of the cluster.</summary>
    public ProcessLog Log { get; } = new();

    /// <summary>The cluster's RabbitMQ virtual host.</summary>
    public string VirtualHost { get; }

    /// <summary>The cluster's PostgreSQL database.</summary>
    public string Database { get; }

    /// <summary>The AMQP URI of <see cref="VirtualHost"/>.</summary>
    public Uri RabbitMqUri => new UriBuilder(Servers.RabbitMqUri) { Path = "/" + VirtualHost }.Uri;

    /// <summary>The connection string of <see cref="Database"/>.</summary>
    public string PostgresConnectionString => new NpgsqlConnectionStringBuilder(Servers.PostgresConnectionString) { Database = Database }.ConnectionString;

    /// <summary>The in-test client.</summary>
    public IFlowClient Client => Service<IFlowClient>();

    /// <summary>The in-test client host's bus: publish wire messages as any producer would.</summary>
    public IBus Bus => Service<IBus>();

    /// <summary>The orchestrator process.</summary>
    public TestHostProcess Orchestrator => _orchestrator ?? throw new InvalidOperationException("The cluster has not started.");

    /// <summary>The worker processes, in the order of <see cref="Workers"/>.</summary>
    public IReadOnlyList<TestHostProcess> WorkerProcesses => _workers;

    /// <summary>The worker processes this scenario needs.</summary>
    protected abstract IReadOnlyList<WorkerSpec> Workers { get; }

    /// <summary>Creates the virtual host and database, starts the orchestrator, then the workers, then the client.</summary>
    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(CreateVirtualHostAsync(), CreateDatabaseAsync()).ConfigureAwait(false);
            Log.Write("cluster", $"virtual host {VirtualHost} and database {Database} created in {Seconds(clock)}");

            _orchestrator = await StartOrchestratorProcessAsync("orchestrator").ConfigureAwait(false);

            // Workers and the client only need the broker: they start together, once the database is migrated.
            var workers = Workers.Select(w => TestHostProcess.StartAsync(w.WorkerId, WorkerArguments(w), EnvironmentFor(w.WorkerId, null), Log, ReadyTimeout)).ToList();
            _clientHost = BuildClientHost();
            var client = _clientHost.StartAsync();
            try
            {
                await Task.WhenAll(workers.Append(client)).ConfigureAwait(false);
            }
            finally
            {
                _workers.AddRange(workers.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }

            Log.Write("cluster", $"orchestrator, {_workers.Count} worker(s) and client ready after {Seconds(clock)}");
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the client and the processes, deletes the virtual host and drops the database.</summary>
    public virtual async Task DisposeAsync()
    {
        var clock = Stopwatch.StartNew();
        if (_clientHost is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _clientHost.StopAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Log.Write("cluster", "the client host did not stop within 15 s");
            }

            _clientHost.Dispose();
            _clientHost = null;
        }

        await Task.WhenAll(_workers.Concat(_extraOrchestrators).Select(w => w.DisposeAsync().AsTask())).ConfigureAwait(false);
        _workers.Clear();
        _extraOrchestrators.Clear();
        if (_orchestrator is not null)
        {
            await _orchestrator.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(DeleteVirtualHostAsync(), DropDatabaseAsync()).ConfigureAwait(false);
        Log.Write("cluster", $"stopped and removed in {Seconds(clock)}");
    }

    /// <summary>Extra arguments for every orchestrator process of this cluster (e.g. <c>--deadline-grace 2</c>).</summary>
    protected virtual IReadOnlyList<string> OrchestratorArguments => [];

    /// <summary>Environment variables every process of this cluster gets (e.g. <c>OTEL_*</c>), by process name; none by default.</summary>
    protected virtual IReadOnlyDictionary<string, string> ProcessEnvironment(string processName) => new Dictionary<string, string>();

    private Dictionary<string, string> EnvironmentFor(string processName, IReadOnlyDictionary<string, string>? extra)
    {
        var environment = new Dictionary<string, string>(ProcessEnvironment(processName));
        foreach (var (variable, value) in extra ?? new Dictionary<string, string>())
        {
            environment[variable] = value;
        }

        return environment;
    }

    /// <summary>Kills the orchestrator process at once (SIGKILL: a crash, not a clean stop).</summary>
    public void KillOrchestrator() => Orchestrator.Kill();

    /// <summary>Replaces the orchestrator by a new process (killing the old one if it still runs) and waits until it is ready.</summary>
    public Task RestartOrchestratorAsync() => RestartOrchestratorAsync(environment: null);

    /// <summary>
    /// Replaces the orchestrator by a new process (killing the old one if it still runs) started with extra
    /// <paramref name="environment"/> variables, e.g. <c>RESOLUTE_TEST_FAULT=crash-after-commit:5</c> (the outbox fault
    /// hook, see <c>tests/Resolute.TestHost/OutboxFaultInjection.cs</c>); null or empty = none. Waits until it is ready.
    /// </summary>
    public async Task RestartOrchestratorAsync(IReadOnlyDictionary<string, string>? environment)
    {
        var old = Orchestrator;
        old.Kill();
        await old.DisposeAsync().ConfigureAwait(false);
        _orchestrator = await StartOrchestratorProcessAsync("orchestrator", environment).ConfigureAwait(false);
    }

    /// <summary>Starts another orchestrator replica on the same queue and database; it is stopped with the cluster.</summary>
    public async Task<TestHostProcess> StartOrchestratorReplicaAsync(string name)
    {
        var replica = await StartOrchestratorProcessAsync(name).ConfigureAwait(false);
        _extraOrchestrators.Add(replica);
        return replica;
    }

    /// <summary>Starts another worker process; it is stopped with the cluster.</summary>
    public async Task<TestHostProcess> StartWorkerAsync(WorkerSpec worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        var process = await TestHostProcess.StartAsync(worker.WorkerId, WorkerArguments(worker), EnvironmentFor(worker.WorkerId, null), Log, ReadyTimeout).ConfigureAwait(false);
        _workers.Add(process);
        return process;
    }

    /// <summary>
    /// Starts a test host told nothing but the broker on its command line (<c>--role configuration</c>): its roles, task
    /// queues and worker settings come from <paramref name="environment"/> (e.g. <c>Resolute__Roles=Worker</c>), as one
    /// container image is told by its environment what to be. Waits until it is ready.
    /// </summary>
    public async Task<TestHostProcess> StartConfiguredProcessAsync(string name, IReadOnlyDictionary<string, string> environment)
    {
        var process = await TestHostProcess.StartAsync(name, ["--role", "configuration", "--rabbitmq", RabbitMqUri.ToString()], EnvironmentFor(name, environment), Log, ReadyTimeout).ConfigureAwait(false);
        _workers.Add(process);
        return process;
    }

    /// <summary>
    /// Stops the worker process named <paramref name="workerId"/> cleanly (SIGTERM: its shutdown drain, as a rolling
    /// deployment does) and waits until it exited; it leaves the cluster.
    /// </summary>
    public async Task StopWorkerAsync(string workerId)
    {
        var worker = _workers.Find(w => w.Name == workerId) ?? throw new InvalidOperationException($"No worker '{workerId}' in this cluster.");
        await worker.TerminateAsync().ConfigureAwait(false);
        if (!await worker.WaitForExitAsync(TestHostProcess.StopTimeout).ConfigureAwait(false))
        {
            throw new XunitException($"Worker '{workerId}' did not exit within {TestHostProcess.StopTimeout.TotalSeconds:0} s of SIGTERM.{Environment.NewLine}{DescribeProcesses()}");
        }

        _workers.Remove(worker);
        await worker.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the orchestrator replica named <paramref name="name"/> (started by <see cref="StartOrchestratorReplicaAsync"/>)
    /// by a new process, killing the old one at once (SIGKILL) if it still runs; waits until the new one is ready.
    /// </summary>
    public async Task<TestHostProcess> RestartOrchestratorReplicaAsync(string name)
    {
        var old = _extraOrchestrators.Find(o => o.Name == name) ?? throw new InvalidOperationException($"No orchestrator replica '{name}' in this cluster.");
        old.Kill();
        await old.DisposeAsync().ConfigureAwait(false);
        _extraOrchestrators.Remove(old);
        var replica = await StartOrchestratorProcessAsync(name).ConfigureAwait(false);
        _extraOrchestrators.Add(replica);
        return replica;
    }

    /// <summary>
    /// Replaces the worker process named <paramref name="workerId"/> (one of <see cref="Workers"/>) by a new process with
    /// the same settings, killing the old one at once (SIGKILL) if it still runs; waits until the new one is ready.
    /// </summary>
    public async Task<TestHostProcess> RestartWorkerAsync(string workerId)
    {
        var spec = Workers.FirstOrDefault(w => w.WorkerId == workerId) ?? throw new InvalidOperationException($"No worker '{workerId}' in this cluster.");
        var index = _workers.FindIndex(w => w.Name == workerId);
        if (index >= 0)
        {
            var old = _workers[index];
            old.Kill();
            await old.DisposeAsync().ConfigureAwait(false);
            _workers.RemoveAt(index);
        }

        var process = await TestHostProcess.StartAsync(workerId, WorkerArguments(spec), EnvironmentFor(workerId, null), Log, ReadyTimeout).ConfigureAwait(false);
        _workers.Add(process);
        return process;
    }

    /// <summary>Kills the process named <paramref name="name"/> (the orchestrator, a replica or a worker) at once (SIGKILL).</summary>
    public void KillProcess(string name) =>
        (new[] { _orchestrator }.Concat(_extraOrchestrators).Concat(_workers).FirstOrDefault(p => p?.Name == name)
         ?? throw new InvalidOperationException($"No process '{name}' in this cluster.")).Kill();

    /// <summary>Kills the worker process named <paramref name="workerId"/> at once (SIGKILL).</summary>
    public void KillWorker(string workerId) =>
        (_workers.Find(w => w.Name == workerId) ?? throw new InvalidOperationException($"No worker '{workerId}' in this cluster.")).Kill();

    /// <summary>Starts a run through the client and waits until it ended.</summary>
    public async Task<FlowRunDescription> RunAsync(string flowName, object? input, TimeSpan? timeout = null)
    {
        var runId = await Client.StartAsync(flowName, input).ConfigureAwait(false);
        return await WaitForEndAsync(runId, timeout).ConfigureAwait(false);
    }

    /// <summary>Waits until the run ended (the client polls with a deadline).</summary>
    public async Task<FlowRunDescription> WaitForEndAsync(Guid runId, TimeSpan? timeout = null)
    {
        try
        {
            return await Client.WaitForCompletionAsync(runId, timeout ?? DefaultRunTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new XunitException($"{e.Message}{Environment.NewLine}{DescribeProcesses()}");
        }
    }

    /// <summary>Polls the run until <paramref name="condition"/> holds; fails with the last snapshot at the deadline.</summary>
    public async Task<FlowRunDescription> WaitUntilAsync(Guid runId, Func<FlowRunDescription, bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultRunTimeout;
        FlowRunDescription? last = null;
        while (true)
        {
            last = await Client.GetRunAsync(runId).ConfigureAwait(false) ?? last;
            if (last is not null && condition(last))
            {
                return last;
            }

            if (deadline.Elapsed > limit)
            {
                throw new XunitException(
                    $"Run {runId}: {what} did not happen within {limit.TotalSeconds:0} s. Last seen: {last?.ToString() ?? "not found"}; " +
                    $"history: {(last is null ? "-" : Describe(last.History))}{Environment.NewLine}{DescribeProcesses()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The fault queues of the virtual host (MassTransit's <c>*_error</c> and <c>*_skipped</c>) that hold messages, with
    /// their message counts. Empty when no message was faulted or dead-lettered.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, uint>> GetFaultedMessagesAsync()
    {
        using var management = Servers.CreateRabbitMqManagementClient();
        using var response = await management.GetAsync(new Uri($"api/queues/{Uri.EscapeDataString(VirtualHost)}?columns=name", UriKind.Relative)).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        var faultQueues = document.RootElement.EnumerateArray()
            .Select(q => q.GetProperty("name").GetString()!)
            .Where(n => n.EndsWith("_error", StringComparison.Ordinal) || n.EndsWith("_skipped", StringComparison.Ordinal))
            .ToList();
        var counts = new Dictionary<string, uint>(StringComparer.Ordinal);
        if (faultQueues.Count == 0)
        {
            return counts;
        }

        // Passive declares count ready messages exactly (the management API's counters lag by seconds).
        var factory = new ConnectionFactory { Uri = RabbitMqUri };
        await using var connection = await factory.CreateConnectionAsync().ConfigureAwait(false);
        foreach (var queue in faultQueues)
        {
            await using var channel = await connection.CreateChannelAsync().ConfigureAwait(false);
            try
            {
                var declared = await channel.QueueDeclarePassiveAsync(queue).ConfigureAwait(false);
                if (declared.MessageCount > 0)
                {
                    counts[queue] = declared.MessageCount;
                }
            }
            catch (OperationInterruptedException)
            {
                // Deleted meanwhile.
            }
        }

        return counts;
    }

    /// <summary>Fails when any message of the cluster ended in a fault queue: nothing may be faulted or dropped silently.</summary>
    public async Task AssertNoFaultedMessagesAsync()
    {
        var faulted = await GetFaultedMessagesAsync().ConfigureAwait(false);
        if (faulted.Count > 0)
        {
            throw new XunitException(
                $"Messages were faulted: {string.Join(", ", faulted.Select(f => $"{f.Key}: {f.Value}"))}.{Environment.NewLine}{DescribeProcesses()}");
        }
    }

    /// <summary>The processes' state and recent output, for failure messages.</summary>
    public string DescribeProcesses()
    {
        var processes = new[] { _orchestrator }.Concat(_extraOrchestrators).Concat(_workers).Where(p => p is not null)
            .Select(p => $"{p!.Name} (pid {p.ProcessId}){(p.HasExited ? " has EXITED" : " running")}");
        return $"Processes: {string.Join(", ", processes)}. Recent output:{Environment.NewLine}{Log.Tail(60)}";
    }

    /// <summary>One line per execution: node, attempt, outcome, worker.</summary>
    public static string Describe(IEnumerable<Contracts.NodeExecutionRecord> history) =>
        string.Join("; ", history.Select(e => $"{e.NodeName}#{e.Attempt} {e.Outcome}{(e.IsCompensation ? " (compensation)" : "")} on {e.WorkerId ?? "-"}"));

    private Task<TestHostProcess> StartOrchestratorProcessAsync(string name, IReadOnlyDictionary<string, string>? environment = null) => TestHostProcess.StartAsync(name,
        ["--role", "orchestrator", "--rabbitmq", RabbitMqUri.ToString(), "--postgres", PostgresConnectionString, .. OrchestratorArguments],
        EnvironmentFor(name, environment), Log, ReadyTimeout);

    private IEnumerable<string> WorkerArguments(WorkerSpec worker)
    {
        yield return "--role";
        yield return "worker";
        yield return "--rabbitmq";
        yield return RabbitMqUri.ToString();
        // Not used by workers today; given so that a worker needing the database later finds it (already migrated).
        yield return "--postgres";
        yield return PostgresConnectionString;
        yield return "--worker-id";
        yield return worker.WorkerId;
        yield return "--concurrency";
        yield return worker.Concurrency.ToString(CultureInfo.InvariantCulture);
        if (worker.Queues.Count > 0)
        {
            yield return "--queues";
            yield return string.Join(',', worker.Queues);
        }

        if (worker.ShutdownDrain is { } drain)
        {
            yield return "--shutdown-drain";
            yield return drain.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static string Seconds(Stopwatch clock) => string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:0.00} s");

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private T Service<T>()
        where T : notnull =>
        (_clientHost ?? throw new InvalidOperationException("The cluster has not started.")).Services.GetRequiredService<T>();

    private IHost BuildClientHost()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddProvider(Log.CreateLoggerProvider("client"));
        builder.Services.AddResolute(r =>
        {
            foreach (var flow in TestFlowCatalog.All)
            {
                r.AddFlow(flow.Flow, flow.TaskQueue);
            }

            r.UseRabbitMq(RabbitMqUri).AsClientOnly();
        });
        return builder.Build();
    }

    private async Task CreateVirtualHostAsync()
    {
        using var management = Servers.CreateRabbitMqManagementClient();
        var vhost = Uri.EscapeDataString(VirtualHost);
        using (var created = await management.PutAsync(new Uri($"api/vhosts/{vhost}", UriKind.Relative), Json("{}")).ConfigureAwait(false))
        {
            created.EnsureSuccessStatusCode();
        }

        _virtualHostCreated = true;
        var user = Uri.EscapeDataString(Uri.UnescapeDataString(Servers.RabbitMqUri.UserInfo.Split(':')[0]));
        using var permitted = await management.PutAsync(
            new Uri($"api/permissions/{vhost}/{user}", UriKind.Relative),
            Json("""{"configure":".*","write":".*","read":".*"}""")).ConfigureAwait(false);
        permitted.EnsureSuccessStatusCode();
    }

    private async Task DeleteVirtualHostAsync()
    {
        if (!_virtualHostCreated)
        {
            return;
        }

        try
        {
            using var management = Servers.CreateRabbitMqManagementClient();
            using var removed = await management.DeleteAsync(new Uri($"api/vhosts/{Uri.EscapeDataString(VirtualHost)}", UriKind.Relative)).ConfigureAwait(false);
            if (removed.StatusCode is not (HttpStatusCode.NoContent or HttpStatusCode.NotFound))
            {
                Log.Write("cluster", $"deleting virtual host {VirtualHost} answered {(int)removed.StatusCode}");
            }
        }
        catch (HttpRequestException e)
        {
            Log.Write("cluster", $"could not delete virtual host {VirtualHost}: {e.Message}");
        }
    }

    private async Task CreateDatabaseAsync()
    {
        await using var server = NpgsqlDataSource.Create(Servers.PostgresConnectionString);
        await using var create = server.CreateCommand($"create database {Database}");
        await create.ExecuteNonQueryAsync().ConfigureAwait(false);
        _databaseCreated = true;
    }

    private async Task DropDatabaseAsync()
    {
        if (!_databaseCreated)
        {
            return;
        }

        try
        {
            NpgsqlConnection.ClearAllPools();
            await using var server = NpgsqlDataSource.Create(Servers.PostgresConnectionString);
            // force: a killed orchestrator's connections may linger a moment.
            await using var drop = server.CreateCommand($"drop database if exists {Database} with (force)");
            await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            Log.Write("cluster", $"could not drop database {Database}: {e.Message}");
        }
    }
}
