using System.Diagnostics;
using Resolute.Benchmarks.Peers;
using static System.FormattableString;

namespace Resolute.Benchmarks;

/// <summary>The benchmark's sections; Program.cs chooses which run (--only).</summary>
public static class Sections
{
    private static readonly TimeSpan AllAtOnceTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Each peer in turn, each in this process and torn down before the next.</summary>
    public static async Task PeersAsync(BenchmarkOptions options, Report report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        Func<Task<IPeer>>[] peers =
        [
            async () => await CourierPeer.CreateAsync(options, cancellationToken),
            async () => await WorkflowCorePeer.CreateAsync(cancellationToken),
            async () => await MassTransitSagaPeer.CreateAsync(cancellationToken),
        ];
        foreach (var start in peers)
        {
            await using var peer = await start();
            var warmUp = await RunDriver.WarmUpAsync(peer, options.WarmUp, options.Runs, RunDriver.CompiledMethodsHere, peer.ResetAsync, cancellationToken);
            Report.Note($"peer {peer.ShortName}: {warmUp.Format()}");
            await peer.ResetAsync(cancellationToken);
            var nodes = peer.NodeExecutions;
            var all = await RunDriver.AllAtOnceAsync(peer, options.Runs, AllAtOnceTimeout, cancellationToken);
            var allNodes = peer.NodeExecutions - nodes;
            await peer.ResetAsync(cancellationToken);
            nodes = peer.NodeExecutions;
            var one = await RunDriver.OneAtATimeAsync(peer, options.LatencyRuns, RunTimeout, cancellationToken);
            report.Peer(new PeerFigures(peer.ShortName, peer.TableName, peer.Description, all, allNodes, one, peer.NodeExecutions - nodes));
        }
    }

    /// <summary>The 5-node flow on a deployment: N runs at once (throughput), then one at a time (latency, step overhead).</summary>
    public static async Task<EngineFigures> EngineAsync(ResoluteDeployment deployment, string label, BenchmarkOptions options, Report report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        var target = deployment.Target(BenchmarkFlow.Name);
        await WarmUpAsync(deployment, label, options, cancellationToken);
        var all = await RunDriver.AllAtOnceAsync(target, options.Runs, AllAtOnceTimeout, cancellationToken);
        var one = await RunDriver.OneAtATimeAsync(target, options.LatencyRuns, RunTimeout, cancellationToken);
        // Histories are read after the clock stopped: they cost a query per run.
        var figures = new EngineFigures(
            label,
            RunStatistics.From(all, await deployment.DescribeAsync(all.Ids, cancellationToken)),
            RunStatistics.From(one, await deployment.DescribeAsync(one.Ids, cancellationToken)));
        report.Engine(figures);
        return figures;
    }

    public static async Task WarmUpAsync(ResoluteDeployment deployment, string label, BenchmarkOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(options);
        var warmUp = await RunDriver.WarmUpAsync(deployment.Target(BenchmarkFlow.Name), options.WarmUp, options.Runs, deployment.CompiledMethods, betweenWindows: null, cancellationToken);
        Report.Note($"{label}: {warmUp.Format()}");
    }

    /// <summary>
    /// 200 sequential no-op steps, one run at a time on a warm deployment: does a step cost more once the run's state and
    /// history hold 200 entries? Compares the per-step overhead of the first 20 steps with the last 20.
    /// </summary>
    public static async Task SequentialAsync(ResoluteDeployment deployment, string label, BenchmarkOptions options, Report report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        const int Window = 20;
        var target = deployment.Target(BenchmarkFlow.SequentialName);
        var runTimeout = TimeSpan.FromMinutes(5);
        // One unmeasured run: the first long run compiles the paths that only large states take.
        await RunDriver.OneAtATimeAsync(target, 1, runTimeout, cancellationToken);
        var batch = await RunDriver.OneAtATimeAsync(target, options.SequentialRuns, runTimeout, cancellationToken);
        var runs = (await deployment.DescribeAsync(batch.Ids, cancellationToken))
            .Select(r => RunStatistics.StepOverheadsMs(r).Select(s => s.OverheadMs).ToList())
            .Where(steps => steps.Count == BenchmarkFlow.SequentialSteps)
            .ToList();
        if (runs.Count == 0)
        {
            report.Figure($"{label}: no run completed all {BenchmarkFlow.SequentialSteps} steps ({batch.Completed} of {batch.Runs.Count} completed)");
            report.Add(new Check("200 sequential steps: step overhead, last 20 vs first 20", "no complete run", "≤ 1.5×", false));
            return;
        }

        var first = Distribution.Median(runs.SelectMany(r => r.Take(Window)));
        var last = Distribution.Median(runs.SelectMany(r => r.TakeLast(Window)));
        var ratio = last / first;
        var runSeconds = Distribution.Percentile(batch.SortedLatenciesMs, 50) / 1000;
        var blocks = Enumerable.Range(0, BenchmarkFlow.SequentialSteps / Window)
            .Select(b => Distribution.Median(runs.SelectMany(r => r.Skip(b * Window).Take(Window))).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture));
        report.Figure(Invariant(
            $"{label}: {runs.Count} runs of {BenchmarkFlow.SequentialSteps} steps, {runSeconds:0.00} s a run (p50), {BenchmarkFlow.SequentialSteps / runSeconds:0} steps/s; ")
            + Invariant($"step overhead p50 first {Window} steps {first:0.0} ms, last {Window} steps {last:0.0} ms: last/first {ratio:0.00}× (target ≤ 1.5×: {(ratio <= 1.5 ? "met" : "NOT met")})"));
        report.Figure($"  {label}: step overhead p50 by block of {Window} steps: {string.Join(", ", blocks)} ms");
        report.Add(new Check(
            "200 sequential steps: step overhead, last 20 vs first 20",
            Invariant($"{ratio:0.00}× ({first:0.0} → {last:0.0} ms p50)"),
            "≤ 1.5×",
            ratio <= 1.5));
    }

    /// <summary>
    /// Worker scaling: runs of the 5-node flow whose nodes each wait 50 ms, with one worker process and then two. Each
    /// worker runs at most --worker-concurrency nodes at once, so the workers (not the orchestrator) bound throughput.
    /// </summary>
    public static async Task WorkersAsync(BenchmarkOptions options, Report report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        var label = $"workers, 50 ms nodes, {options.WorkerConcurrency} at once a worker";
        await using var deployment = await ResoluteDeployment.StartDistributedAsync(options, "workers", outbox: true, options.WorkerConcurrency, cancellationToken);
        var waiting = deployment.Target(BenchmarkFlow.WaitingName);
        var capacity = 1000.0 / BenchmarkFlow.WaitingNodeDelay.TotalMilliseconds * options.WorkerConcurrency / 5;
        Report.Note(Invariant($"{label}: a worker can finish at most {capacity:0.0} runs/s of 5 such nodes"));

        var throughputs = new List<double>();
        for (var workers = 1; workers <= 2; workers++)
        {
            if (workers > 1)
            {
                await deployment.AddWorkerAsync(cancellationToken);
            }

            await WarmUpAsync(deployment, $"{label}, {workers} worker(s)", options, cancellationToken);
            var batch = await RunDriver.AllAtOnceAsync(waiting, options.WorkerRuns, AllAtOnceTimeout, cancellationToken);
            var stats = RunStatistics.From(batch, await deployment.DescribeAsync(batch.Ids, cancellationToken));
            report.Figure(stats.Format($"workers, 50 ms nodes, {workers} worker{(workers > 1 ? "s" : "")}, all at once"));
            throughputs.Add(stats.RunsPerSecond);
        }

        var ratio = throughputs[1] / throughputs[0];
        report.Figure(Invariant($"  {label}: 2 workers / 1 worker = {ratio:0.00}× ({throughputs[0]:0.0} → {throughputs[1]:0.0} runs/s; target ≈ 2×: {(ratio >= 1.8 ? "met" : "NOT met")})"));
        report.Add(new Check(
            Invariant($"2 worker processes vs 1 (nodes wait 50 ms, {options.WorkerConcurrency} at once a worker)"),
            Invariant($"{ratio:0.00}× ({throughputs[0]:0.0} → {throughputs[1]:0.0} runs/s)"),
            "≈ 2× (≥ 1.8×)",
            ratio >= 1.8));
    }

    /// <summary>
    /// Orchestrator memory with runs in flight: starts --memory-runs runs of a flow whose one node waits until the
    /// deployment is torn down, samples the orchestrator process's RSS every second, and reports it at 10%, 50% and
    /// 100% of the runs (1,000, 5,000 and 10,000 by default).
    /// </summary>
    public static async Task MemoryAsync(BenchmarkOptions options, Report report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        const double TargetMegabytes = 300;
        var label = "memory, distributed, transactional outbox";
        await using var deployment = await ResoluteDeployment.StartDistributedAsync(options, "memory", outbox: true, workerConcurrency: null, cancellationToken, countStarts: true);
        var orchestrator = deployment.Orchestrator ?? throw new InvalidOperationException("no orchestrator process");
        try
        {
            // A short warm-up, so the figures are those of a process that has run flows, not of a cold one.
            await RunDriver.AllAtOnceAsync(deployment.Target(BenchmarkFlow.Name), 200, AllAtOnceTimeout, cancellationToken);
            var baseline = orchestrator.ReadRssMegabytes();
            var startedBefore = deployment.Runs.Started;
            int InFlight() => deployment.Runs.Started - startedBefore;

            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var samples = new List<double>();
            var sampler = SampleAsync(orchestrator, samples, sampling.Token);

            var total = options.MemoryRuns;
            var step = Math.Max(1, total / 10);
            var byStep = new List<(int Runs, double Megabytes, double HeapMegabytes)>();
            var hold = deployment.Target(BenchmarkFlow.HoldName);
            var clock = Stopwatch.StartNew();
            var started = 0;
            while (started < total)
            {
                // Batches keep the broker's queue short, so "in flight" means accepted by the orchestrator, not queued.
                var size = Math.Min(Math.Min(500, step), total - started);
                await Task.WhenAll(Enumerable.Range(0, size).Select(_ => hold.StartAsync(cancellationToken)));
                started += size;
                await WaitForAsync(() => InFlight() >= started, TimeSpan.FromMinutes(3), () => $"{InFlight()} of {started} runs started", cancellationToken);
                while (byStep.Count < started / step)
                {
                    byStep.Add(((byStep.Count + 1) * step, orchestrator.ReadRssMegabytes(), orchestrator.ManagedHeapMegabytes));
                }
            }

            var startSeconds = clock.Elapsed.TotalSeconds;
            // Let the last batch settle (outbox sweeps, GC) before the final figure.
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            var final = orchestrator.ReadRssMegabytes();
            var finalHeap = orchestrator.ManagedHeapMegabytes;
            await sampling.CancelAsync();
            await sampler;

            var tenth = byStep.FirstOrDefault(s => s.Runs >= total / 10);
            var half = byStep.FirstOrDefault(s => s.Runs >= total / 2).Megabytes;
            var peak = samples.Append(final).Max();
            var growth = final - tenth.Megabytes;
            var flat = final <= tenth.Megabytes * 1.10;
            report.Figure(Invariant(
                $"{label}: orchestrator RSS {baseline:0} MB before, {tenth.Megabytes:0} MB with {total / 10:N0} runs in flight, {half:0} MB with {total / 2:N0}, {final:0} MB with {total:N0} ")
                + Invariant($"(peak {peak:0} MB over {samples.Count} one-second samples; {total:N0} runs started in {startSeconds:0} s, {total / startSeconds:0} runs/s)"));
            report.Figure(Invariant(
                $"  {label}: from {total / 10:N0} to {total:N0} runs {growth:+0;-0} MB ({growth * 1024 / (total - total / 10):0.0} KB a run): {(flat ? "flat" : "NOT flat")} (≤ 10% growth); ")
                + Invariant($"peak ≤ {TargetMegabytes:0} MB: {(peak <= TargetMegabytes ? "met" : "NOT met")}; by {step:N0} runs: {string.Join(", ", byStep.Select(s => s.Megabytes.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))} MB")
                + Invariant($"; managed heap {tenth.HeapMegabytes:0} → {finalHeap:0} MB"));
            report.Add(new Check(
                Invariant($"Orchestrator RSS, {total:N0} runs in flight"),
                Invariant($"{final:0} MB (peak {peak:0}; {tenth.Megabytes:0} MB at {total / 10:N0}: {(flat ? "flat" : "growing")})"),
                Invariant($"≤ {TargetMegabytes:0} MB, flat"),
                peak <= TargetMegabytes && flat));
        }
        finally
        {
            // Their nodes never finish: a graceful stop would wait for them.
            await deployment.KillChildrenAsync();
        }
    }

    private static async Task SampleAsync(ChildProcess process, List<double> samples, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                samples.Add(process.ReadRssMegabytes());
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, Func<string> progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{progress()} within {timeout}.");
            }

            // An in-process counter fed by events: reading it costs nothing.
            await Task.Delay(20, cancellationToken);
        }
    }
}
