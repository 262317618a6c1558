using System.Globalization;
using Resolute.Benchmarks;

// Resolute's benchmark, beside its peers, in one invocation (infra/scripts/benchmark.sh starts RabbitMQ and a durable
// PostgreSQL and passes their addresses). The measured flow: A → (B, C, D in parallel) → E, no-op nodes.
//
// Sections (--only peers,embedded,distributed,sequential200,workers,memory; default: all, in this order):
//   peers          MassTransit Courier over RabbitMQ (5 sequential activities: Courier has no parallel step),
//                  Workflow Core 3.22.0 in-memory, a bare MassTransit saga (in-memory repository and bus) doing the join
//   embedded       Resolute in one process: in-memory transport + SQLite
//   distributed    Resolute with orchestrator and one worker as child processes: RabbitMQ + PostgreSQL
//   sequential200  one flow of 200 sequential no-op nodes (distributed): step overhead of the first 20 vs the last 20
//   workers        nodes that wait 50 ms: throughput with two worker processes vs one
//   memory         orchestrator RSS with 10,000 runs in flight (their node waits until the end)
// Every pass prints runs/s with --runs started at once, and the time a run takes one at a time (--latency-runs, p50);
// our lines keep their labels ("distributed, transactional outbox, all at once" …) and add ratios to the peers.
//
// Options:
//   --runs N                runs started at once (default 500)          --latency-runs N    one at a time (default 50)
//   --outbox on|off|both    embedded and distributed with the transactional outbox, MassTransit's in-memory one, or both (default)
//   --warmup N              at least N warm-up runs (default 100); warm-up goes on in windows of about 3 s until the last
//   --warmup-min S          three windows agree within 10% and the JIT has settled (methods compiled in the last window,
//   --warmup-max S          in every process), but at least S (default 10) and at most S (default 60) seconds
//   --sequential-runs N     measured runs of the 200-step flow (default 3)
//   --memory-runs N         runs in flight for the memory section (default 10000)
//   --worker-runs N         runs at once in the workers section (default 120)
//   --worker-concurrency N  nodes a worker runs at once in the workers section (default 2)
//   --rabbitmq URI  --rabbitmq-management URI  --postgres CS   the services (the management API gives each deployment its own vhost)
// Completion is observed from events (FlowRunCompleted/FlowRunFailed on a temporary queue of the client's bus), never by
// polling runs; histories (for the step overhead) are read once per run after the clock stopped.
// Uses only Resolute's public surface (AddResolute, IFlowClient, Flow/Node builders, contracts).
var options = BenchmarkOptions.Parse(args);
if (options.Role is not null)
{
    return await ChildRole.RunAsync(options);
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
var token = cancellation.Token;
var report = new Report();
Console.WriteLine($"Resolute benchmark: {string.Join(", ", options.Sections)}; {options.Runs} runs at once, {options.LatencyRuns} one at a time, {Environment.ProcessorCount} cores");

if (options.Has("peers"))
{
    await Sections.PeersAsync(options, report, token);
}

var sequentialDone = false;
foreach (var mode in BenchmarkOptions.AllSections.Where(s => s is "embedded" or "distributed" && options.Has(s)))
{
    var passes = new List<(bool Outbox, EngineFigures Figures)>();
    foreach (var outbox in options.OutboxPasses)
    {
        var label = $"{mode}, {(outbox ? "transactional outbox" : "in-memory outbox")}";
        await using var deployment = mode == "embedded"
            ? await ResoluteDeployment.StartEmbeddedAsync(outbox, token)
            : await ResoluteDeployment.StartDistributedAsync(options, outbox ? "outbox" : "memory_outbox", outbox, workerConcurrency: null, token);
        passes.Add((outbox, await Sections.EngineAsync(deployment, label, options, report, token)));

        // The 200-step flow reuses the warm distributed deployment with the (default) transactional outbox.
        if (mode == "distributed" && outbox && options.Has("sequential200"))
        {
            await Sections.SequentialAsync(deployment, $"sequential 200, {label}, one at a time", options, report, token);
            sequentialDone = true;
        }
    }

    if (passes.Count == 2)
    {
        var on = passes.Single(p => p.Outbox).Figures;
        var off = passes.Single(p => !p.Outbox).Figures;
        report.Figure(string.Create(
            CultureInfo.InvariantCulture,
            $"{mode}: transactional outbox {on.Throughput.RunsPerSecond:0.0} runs/s vs in-memory outbox {off.Throughput.RunsPerSecond:0.0} runs/s "
            + $"({(on.Throughput.RunsPerSecond / off.Throughput.RunsPerSecond - 1) * 100:+0;-0}%); "
            + $"step overhead p50 {on.Latency.Percentile(50):0.0} ms vs {off.Latency.Percentile(50):0.0} ms one at a time"));
    }
}

if (options.Has("sequential200") && !sequentialDone)
{
    const string label = "distributed, transactional outbox";
    await using var deployment = await ResoluteDeployment.StartDistributedAsync(options, "sequential", outbox: true, workerConcurrency: null, token);
    await Sections.WarmUpAsync(deployment, label, options, token);
    await Sections.SequentialAsync(deployment, $"sequential 200, {label}, one at a time", options, report, token);
}

if (options.Has("workers"))
{
    await Sections.WorkersAsync(options, report, token);
}

if (options.Has("memory"))
{
    await Sections.MemoryAsync(options, report, token);
}

report.PrintSummary(options);
return 0;
