using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Resolute;
using Resolute.Benchmarks;
using Resolute.Client;
using Resolute.Contracts;
using Resolute.Orchestration.Runs;
using Resolute.Persistence.EntityFrameworkCore;

// Benchmark of the engine: N runs of a 5-node flow (one node, a parallel step of three, one node; no-op nodes).
//   embedded                                   in-memory transport + SQLite, one process
//   distributed --rabbitmq URI --postgres CS   RabbitMQ + PostgreSQL, orchestrator and one worker as separate processes
// Options: --runs N (default 500, started at once: throughput), --latency-runs N (default 50, one at a time: the
// engine's own per-step overhead), --warmup N (default 100: the JIT settles before each pass is measured), --outbox on|off|both (default both: every mode runs once
// with the transactional outbox, once with the in-memory outbox, each on a fresh database, and the two are compared).
// Prints runs/s, node executions/s, p50/p99 per-step overhead.
var options = BenchmarkOptions.Parse(args);
var flow = BenchmarkFlow.Build();

if (options.Role is { } role)
{
    return await RunChildAsync(role, options, flow);
}

var figures = new List<string>();
foreach (var mode in options.Modes)
{
    var passes = new List<(bool Outbox, RunStatistics Throughput, RunStatistics Latency)>();
    foreach (var outbox in options.OutboxPasses)
    {
        var (throughput, latency) = mode == "embedded"
            ? await RunEmbeddedAsync(options, flow, outbox)
            : await RunDistributedAsync(options, flow, outbox);
        passes.Add((outbox, throughput, latency));
        var label = $"{mode}, {OutboxLabel(outbox)}";
        figures.Add(throughput.Format($"{label}, all at once"));
        figures.Add(latency.Format($"{label}, one at a time"));
        Console.WriteLine(figures[^2]);
        Console.WriteLine(figures[^1]);
    }

    if (passes.Count == 2)
    {
        var on = passes.Single(p => p.Outbox);
        var off = passes.Single(p => !p.Outbox);
        figures.Add(string.Create(
            CultureInfo.InvariantCulture,
            $"{mode}: transactional outbox {on.Throughput.RunsPerSecond:0.0} runs/s vs in-memory outbox {off.Throughput.RunsPerSecond:0.0} runs/s "
            + $"({(on.Throughput.RunsPerSecond / off.Throughput.RunsPerSecond - 1) * 100:+0;-0}%); "
            + $"step overhead p50 {on.Latency.Percentile(50):0.0} ms vs {off.Latency.Percentile(50):0.0} ms one at a time"));
    }
}

Console.WriteLine();
Console.WriteLine($"Resolute benchmark, flow '{flow.Name}' (5 no-op nodes: 1, parallel 3, 1), {options.Runs} runs started at once, {Environment.ProcessorCount} cores");
figures.ForEach(Console.WriteLine);
return 0;

static string OutboxLabel(bool outbox) => outbox ? "transactional outbox" : "in-memory outbox";

static async Task<(RunStatistics Throughput, RunStatistics Latency)> RunEmbeddedAsync(BenchmarkOptions options, Flow flow, bool outbox)
{
    // A fresh file per pass, so that neither pass inherits the other's rows.
    var database = Path.Combine(Path.GetTempPath(), $"resolute-bench-{Environment.ProcessId}-{(outbox ? "outbox" : "memory")}.db");
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddResolute(r => r.AddFlow(flow, BenchmarkFlow.TaskQueue).UseSqlite($"Data Source={database}")
        .ConfigureOrchestrator(o => o.UseTransactionalOutbox = outbox));
    using var host = builder.Build();
    await host.StartAsync();
    try
    {
        var client = host.Services.GetRequiredService<IFlowClient>();
        var scopes = host.Services.GetRequiredService<IServiceScopeFactory>();
        async Task<List<FlowRun>> LoadAsync(IReadOnlyCollection<Guid> ids)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
            return await db.Set<FlowRun>().AsNoTracking().Where(r => ids.Contains(r.CorrelationId)).ToListAsync();
        }

        async Task<List<NodeExecution>> LoadHistoryAsync(IReadOnlyCollection<Guid> ids)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
            return await db.NodeExecutions.AsNoTracking().Where(e => ids.Contains(e.RunId)).ToListAsync();
        }

        return await MeasureAsync(client, LoadAsync, LoadHistoryAsync, options);
    }
    finally
    {
        await host.StopAsync();
        foreach (var file in new[] { database, database + "-wal", database + "-shm" })
        {
            File.Delete(file);
        }
    }
}

static async Task<(RunStatistics Throughput, RunStatistics Latency)> RunDistributedAsync(BenchmarkOptions options, Flow flow, bool outbox)
{
    var rabbit = options.RabbitMq ?? throw new ArgumentException("distributed mode needs --rabbitmq amqp://user:pass@host:port/vhost");
    var server = options.Postgres ?? throw new ArgumentException("distributed mode needs --postgres \"Host=...;Username=...\"");
    var databaseName = $"resolute_bench_{DateTime.UtcNow:yyyyMMddHHmmss}_{Environment.ProcessId}_{(outbox ? "outbox" : "memory")}";
    var adminConnection = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString;
    var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = databaseName }.ConnectionString;
    await ExecuteAsync(adminConnection, $"CREATE DATABASE \"{databaseName}\"");
    try
    {
        var self = typeof(BenchmarkFlow).Assembly.Location;
        using var orchestrator = await ChildProcess.StartAsync(self, ["--role", "orchestrator", "--rabbitmq", rabbit, "--postgres", connectionString, "--outbox", outbox ? "on" : "off"]);
        using var worker = await ChildProcess.StartAsync(self, ["--role", "worker", "--rabbitmq", rabbit, "--postgres", connectionString]);

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddResolute(r => r.AddFlow(flow, BenchmarkFlow.TaskQueue).UseRabbitMq(rabbit).AsClientOnly());
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var dbOptions = new DbContextOptionsBuilder<ResoluteDbContext>().UseNpgsql(connectionString).Options;
            async Task<List<FlowRun>> LoadAsync(IReadOnlyCollection<Guid> ids)
            {
                await using var db = new ResoluteDbContext(dbOptions);
                return await db.Set<FlowRun>().AsNoTracking().Where(r => ids.Contains(r.CorrelationId)).ToListAsync();
            }

            async Task<List<NodeExecution>> LoadHistoryAsync(IReadOnlyCollection<Guid> ids)
            {
                await using var db = new ResoluteDbContext(dbOptions);
                return await db.NodeExecutions.AsNoTracking().Where(e => ids.Contains(e.RunId)).ToListAsync();
            }

            return await MeasureAsync(host.Services.GetRequiredService<IFlowClient>(), LoadAsync, LoadHistoryAsync, options);
        }
        finally
        {
            await host.StopAsync();
        }
    }
    finally
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(adminConnection, $"DROP DATABASE IF EXISTS \"{databaseName}\" WITH (FORCE)");
    }
}

static async Task<(RunStatistics Throughput, RunStatistics Latency)> MeasureAsync(
    IFlowClient client,
    Func<IReadOnlyCollection<Guid>, Task<List<FlowRun>>> load,
    Func<IReadOnlyCollection<Guid>, Task<List<NodeExecution>>> loadHistory,
    BenchmarkOptions options)
{
    // Warm-up: JIT, connection pools, queues.
    var warmup = await StartAsync(client, options.Warmup);
    await WaitAsync(warmup, load, TimeSpan.FromMinutes(2));

    // Throughput: every run started at once; the step overhead then includes time spent queued.
    var ids = await StartAsync(client, options.Runs);
    var throughput = RunStatistics.From(await WaitAsync(ids, load, TimeSpan.FromMinutes(10)), await loadHistory(ids));

    // Latency: one run at a time, so the step overhead is the engine's own (dispatch, transport, saga, database).
    var sequential = new List<Guid>();
    for (var i = 0; i < options.LatencyRuns; i++)
    {
        var id = await client.StartAsync(BenchmarkFlow.Name, new BenchInput(i));
        await client.WaitForCompletionAsync(id, TimeSpan.FromMinutes(1));
        sequential.Add(id);
    }

    var latency = RunStatistics.From(await load(sequential), await loadHistory(sequential));
    return (throughput, latency);
}

static async Task<List<Guid>> StartAsync(IFlowClient client, int count)
{
    var starts = Enumerable.Range(0, count).Select(i => client.StartAsync(BenchmarkFlow.Name, new BenchInput(i)));
    return (await Task.WhenAll(starts)).ToList();
}

static async Task<List<FlowRun>> WaitAsync(List<Guid> ids, Func<IReadOnlyCollection<Guid>, Task<List<FlowRun>>> load, TimeSpan timeout)
{
    var clock = Stopwatch.StartNew();
    while (true)
    {
        var runs = await load(ids);
        var ended = runs.Count(r => r.EndedAt is not null);
        if (ended == ids.Count)
        {
            return runs;
        }

        if (clock.Elapsed > timeout)
        {
            throw new TimeoutException($"{ended} of {ids.Count} runs ended within {timeout}.");
        }

        await Task.Delay(100);
    }
}

static async Task ExecuteAsync(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}

static async Task<int> RunChildAsync(string role, BenchmarkOptions options, Flow flow)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddResolute(r =>
    {
        r.AddFlow(flow, BenchmarkFlow.TaskQueue).UseRabbitMq(options.RabbitMq!).UsePostgres(options.Postgres!);
        r.ConfigureOrchestrator(o => o.UseTransactionalOutbox = options.OutboxPasses[0]);
        _ = role == "orchestrator" ? r.AsOrchestrator() : r.AsWorker(BenchmarkFlow.TaskQueue);
    });
    using var host = builder.Build();
    await host.StartAsync();
    Console.WriteLine(ChildProcess.ReadyLine);
    // Runs until the parent closes our standard input (or kills us).
    await Console.In.ReadToEndAsync();
    await host.StopAsync();
    return 0;
}

internal sealed record BenchmarkOptions(
    IReadOnlyList<string> Modes,
    int Runs,
    int Warmup,
    int LatencyRuns,
    string? RabbitMq,
    string? Postgres,
    string? Role,
    IReadOnlyList<bool> OutboxPasses)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        var modes = new List<string>();
        int runs = 500, warmup = 100, latencyRuns = 50;
        string? rabbit = null, postgres = null, role = null;
        IReadOnlyList<bool> outbox = [true, false];
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "embedded" or "distributed": modes.Add(args[i]); break;
                case "--runs": runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--latency-runs": latencyRuns = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--rabbitmq": rabbit = Next(); break;
                case "--postgres": postgres = Next(); break;
                case "--role": role = Next(); break;
                case "--outbox":
                    outbox = Next() switch
                    {
                        "on" => [true],
                        "off" => [false],
                        "both" => [true, false],
                        var other => throw new ArgumentException($"--outbox {other}: expected on, off or both"),
                    };
                    break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: embedded|distributed [--runs N] [--warmup N] [--latency-runs N] [--outbox on|off|both] [--rabbitmq URI] [--postgres CS]");
            }
        }

        return new BenchmarkOptions(modes.Count == 0 ? ["embedded"] : modes, runs, warmup, latencyRuns, rabbit, postgres, role, outbox);
    }
}

/// <summary>A child process of this benchmark (orchestrator or worker role), stopped by closing its standard input.</summary>
internal sealed class ChildProcess : IDisposable
{
    public const string ReadyLine = "RESOLUTE-BENCH READY";
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public static async Task<ChildProcess> StartAsync(string assembly, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start a child process");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == ReadyLine)
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[child {process.Id}] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return new ChildProcess(process);
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}
