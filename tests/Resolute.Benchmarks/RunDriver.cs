using System.Diagnostics;
using System.Runtime;
using static System.FormattableString;

namespace Resolute.Benchmarks;

/// <summary>Runs started together (or one after another) and how long they took, first start to last end.</summary>
public sealed record Batch(IReadOnlyList<StartedRun> Runs, TimeSpan Elapsed)
{
    public int Completed => Runs.Count(r => r.Completed);

    public double RunsPerSecond => Runs.Count / Elapsed.TotalSeconds;

    public IReadOnlyList<Guid> Ids => Runs.Select(r => r.Id).ToList();

    public IReadOnlyList<double> SortedLatenciesMs => Runs.Select(r => r.LatencyMs).Where(ms => !double.IsNaN(ms)).Order().ToList();
}

/// <summary>Warm-up settings: windows of runs until throughput and the JIT have settled, within [Min, Max].</summary>
public sealed record WarmUpSettings(TimeSpan Min, TimeSpan Max, TimeSpan Window, int MinRuns, double Tolerance);

public sealed record WarmUpReport(int Windows, int Runs, TimeSpan Elapsed, IReadOnlyList<double> RunsPerSecond, long LastWindowJitMethods, long CompiledMethods, bool Settled)
{
    public string Format() => Invariant(
        $"warm-up {Runs} runs in {Elapsed.TotalSeconds:0} s, {Windows} windows, last three {string.Join(" → ", RunsPerSecond.TakeLast(3).Select(r => r.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))} runs/s, ")
        + Invariant($"{LastWindowJitMethods} methods JIT-compiled in the last window ({CompiledMethods} in all): {(Settled ? "settled" : "NOT settled, stopped at the maximum")}");
}

/// <summary>Drives an <see cref="IRunTarget"/>: all at once, one at a time, and the warm-up before either.</summary>
public static class RunDriver
{
    public static async Task<Batch> AllAtOnceAsync(IRunTarget target, int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var first = Stopwatch.GetTimestamp();
        var runs = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => target.StartAsync(cancellationToken)));
        await WaitAsync(target, runs, timeout, cancellationToken);
        return new Batch(runs, Stopwatch.GetElapsedTime(first, runs.Max(r => r.Ended.Result.ObservedAt)));
    }

    public static async Task<Batch> OneAtATimeAsync(IRunTarget target, int count, TimeSpan timeoutPerRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var first = Stopwatch.GetTimestamp();
        var runs = new List<StartedRun>(count);
        for (var i = 0; i < count; i++)
        {
            var run = await target.StartAsync(cancellationToken);
            await WaitAsync(target, [run], timeoutPerRun, cancellationToken);
            runs.Add(run);
        }

        return new Batch(runs, count == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(first, runs[^1].Ended.Result.ObservedAt));
    }

    /// <summary>
    /// Runs windows of about <see cref="WarmUpSettings.Window"/> each (batches of up to <paramref name="maxBatch"/> runs
    /// started at once, the concurrency that is measured afterwards) until the last three windows' throughputs lie within
    /// the tolerance of each other and the last window JIT-compiled few methods — but at least Min and MinRuns, at most
    /// Max. A fixed run count cannot do this: how long tier-1 promotion takes depends on the load and on what else runs on
    /// the machine.
    /// </summary>
    /// <param name="compiledMethods">Methods JIT-compiled so far in every process the target runs in.</param>
    /// <param name="betweenWindows">Called between windows, off the clock (a peer whose store fills up starts afresh).</param>
    public static async Task<WarmUpReport> WarmUpAsync(
        IRunTarget target, WarmUpSettings settings, int maxBatch, Func<long> compiledMethods, Func<CancellationToken, Task>? betweenWindows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(compiledMethods);
        var clock = Stopwatch.StartNew();
        var rates = new List<double>();
        var runs = 0;
        var batch = Math.Min(20, maxBatch);
        while (true)
        {
            if (betweenWindows is not null && rates.Count > 0)
            {
                await betweenWindows(cancellationToken);
            }

            var before = compiledMethods();
            var windowRuns = 0;
            var windowTime = TimeSpan.Zero;
            do
            {
                var window = await AllAtOnceAsync(target, batch, TimeSpan.FromMinutes(5), cancellationToken);
                windowRuns += batch;
                windowTime += window.Elapsed;
            }
            while (windowTime < settings.Window);

            var total = compiledMethods();
            var jitted = total - before;
            var rate = windowRuns / windowTime.TotalSeconds;
            runs += windowRuns;
            rates.Add(rate);
            var steady = rates.Count >= 3 && rates.TakeLast(3).Max() <= rates.TakeLast(3).Min() * (1 + settings.Tolerance);
            // A few methods keep arriving for a long time (rare paths, timers); a settled JIT compiles a small fraction.
            var jitQuiet = jitted <= Math.Max(30, total / 200);
            var enough = clock.Elapsed >= settings.Min && runs >= settings.MinRuns;
            if ((steady && jitQuiet && enough) || clock.Elapsed >= settings.Max)
            {
                return new WarmUpReport(rates.Count, runs, clock.Elapsed, rates, jitted, total, steady && jitQuiet && enough);
            }

            // Slow targets: a batch of about one window; fast ones: batches of the measured size.
            batch = Math.Clamp((int)(rate * settings.Window.TotalSeconds), Math.Min(10, maxBatch), maxBatch);
        }
    }

    /// <summary>Methods JIT-compiled in this process.</summary>
    public static long CompiledMethodsHere() => JitInfo.GetCompiledMethodCount();

    private static async Task WaitAsync(IRunTarget target, StartedRun[] runs, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(runs.Select(r => r.Ended)).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(Invariant($"{target.Name}: {runs.Count(r => r.Ended.IsCompleted)} of {runs.Length} runs ended within {timeout.TotalSeconds:0} s."));
        }
    }
}
