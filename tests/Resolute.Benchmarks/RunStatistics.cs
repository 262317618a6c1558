using System.Globalization;
using Resolute.Client;
using Resolute.Contracts;

namespace Resolute.Benchmarks;

/// <summary>
/// Figures of a batch of Resolute runs: throughput as the client saw it (first start to last end event), and the
/// per-step overhead from each run's public history (step dispatched → next step dispatched or run ended, minus node time).
/// </summary>
public sealed class RunStatistics
{
    private readonly List<double> _overheadsMs = [];

    public int Runs { get; private init; }

    public int Completed { get; private init; }

    public int NodeExecutions { get; private set; }

    public TimeSpan Elapsed { get; private init; }

    public double RunsPerSecond => Runs / Elapsed.TotalSeconds;

    /// <summary>Start to end-event of each run, sorted.</summary>
    public IReadOnlyList<double> RunLatenciesMs { get; private init; } = [];

    public static RunStatistics From(Batch batch, IReadOnlyList<FlowRunDescription> runs)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(runs);
        var stats = new RunStatistics { Runs = batch.Runs.Count, Completed = batch.Completed, Elapsed = batch.Elapsed, RunLatenciesMs = batch.SortedLatenciesMs };
        foreach (var run in runs)
        {
            stats.NodeExecutions += run.History.Count(e => e.Outcome == NodeExecutionOutcome.Completed && !e.IsCompensation);
            stats._overheadsMs.AddRange(StepOverheadsMs(run).Select(s => s.OverheadMs));
        }

        stats._overheadsMs.Sort();
        return stats;
    }

    /// <summary>
    /// The overhead of each step of a run, in plan order: from the step's first dispatch to the next step's first
    /// dispatch (or the run's end), minus its slowest node. Dispatch times come from the orchestrator's clock and node
    /// times from the worker's, so only differences taken on one clock are mixed.
    /// </summary>
    public static IReadOnlyList<(string Step, double OverheadMs)> StepOverheadsMs(FlowRunDescription run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var steps = run.History
            .Where(e => !e.IsCompensation)
            .GroupBy(e => e.StepName, StringComparer.Ordinal)
            .Select(g => g.ToList())
            .OrderBy(g => g.Min(e => e.DispatchedAt))
            .ToList();
        var overheads = new List<(string, double)>(steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            var executions = steps[i];
            if (executions.Any(e => e.Outcome != NodeExecutionOutcome.Completed || e.StartedAt is null || e.EndedAt is null))
            {
                continue;
            }

            DateTimeOffset? done = i + 1 < steps.Count ? steps[i + 1].Min(e => e.DispatchedAt) : run.Snapshot.EndedAt;
            if (done is null)
            {
                continue;
            }

            var nodeTime = executions.Max(e => (e.EndedAt!.Value - e.StartedAt!.Value).TotalMilliseconds);
            overheads.Add((executions[0].StepName, (done.Value - executions.Min(e => e.DispatchedAt)).TotalMilliseconds - nodeTime));
        }

        return overheads;
    }

    /// <summary>A percentile of the per-step overhead.</summary>
    public double Percentile(double p) => Distribution.Percentile(_overheadsMs, p);

    public string Format(string mode) => string.Format(
        CultureInfo.InvariantCulture,
        "{0,-52} runs {1,5} completed {2,5}  elapsed {3,7:0.00} s  {4,8:0.0} runs/s  {5,8:0.0} node executions/s  step overhead p50 {6,7:0.0} ms  p99 {7,7:0.0} ms",
        mode, Runs, Completed, Elapsed.TotalSeconds, Runs / Elapsed.TotalSeconds, NodeExecutions / Elapsed.TotalSeconds, Percentile(50), Percentile(99));
}

/// <summary>Percentiles of sorted samples (nearest rank).</summary>
public static class Distribution
{
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var index = (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }

    public static double Median(IEnumerable<double> samples) => Percentile(samples.Order().ToList(), 50);
}
