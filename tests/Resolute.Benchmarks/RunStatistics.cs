using System.Globalization;
using Resolute.Contracts;
using Resolute.Orchestration.Runs;

namespace Resolute.Benchmarks;

/// <summary>Figures computed from the stored runs: throughput, and the per-step overhead (dispatch → step done, minus node time).</summary>
public sealed class RunStatistics
{
    private readonly List<double> _overheadsMs = [];

    public int Runs { get; private set; }

    public int Completed { get; private set; }

    public int NodeExecutions { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    public double RunsPerSecond => Runs / Elapsed.TotalSeconds;

    public static RunStatistics From(IReadOnlyList<FlowRun> runs, IReadOnlyList<NodeExecution> history)
    {
        var stats = new RunStatistics { Runs = runs.Count };
        if (runs.Count == 0)
        {
            return stats;
        }

        stats.Completed = runs.Count(r => r.Status == RunStatus.Completed);
        stats.Elapsed = runs.Max(r => r.EndedAt ?? r.UpdatedAt) - runs.Min(r => r.CreatedAt);
        var historyOf = history.ToLookup(e => e.RunId);
        foreach (var run in runs)
        {
            var attempts = historyOf[run.CorrelationId].ToList();
            stats.NodeExecutions += attempts.Count(e => e.Outcome == NodeExecutionOutcome.Completed);
            var steps = BenchmarkFlow.Steps
                .Select(step => attempts.Where(e => e.StepName == step).ToList())
                .ToList();
            for (var i = 0; i < steps.Count; i++)
            {
                var executions = steps[i];
                if (executions.Count == 0 || executions.Any(e => e.StartedAt is null || e.EndedAt is null))
                {
                    continue;
                }

                var dispatched = executions.Min(e => e.DispatchedAt);
                // The step is done when the orchestrator dispatched the next step (or ended the run).
                DateTimeOffset? done = i + 1 < steps.Count && steps[i + 1].Count > 0 ? steps[i + 1].Min(e => e.DispatchedAt) : run.EndedAt;
                if (done is null)
                {
                    continue;
                }

                var nodeTime = executions.Max(e => (e.EndedAt!.Value - e.StartedAt!.Value).TotalMilliseconds);
                stats._overheadsMs.Add((done.Value - dispatched).TotalMilliseconds - nodeTime);
            }
        }

        stats._overheadsMs.Sort();
        return stats;
    }

    public double Percentile(double p)
    {
        if (_overheadsMs.Count == 0)
        {
            return double.NaN;
        }

        var index = (int)Math.Ceiling(p / 100.0 * _overheadsMs.Count) - 1;
        return _overheadsMs[Math.Clamp(index, 0, _overheadsMs.Count - 1)];
    }

    public string Format(string mode) => string.Format(
        CultureInfo.InvariantCulture,
        "{0,-52} runs {1,5} completed {2,5}  elapsed {3,7:0.00} s  {4,8:0.0} runs/s  {5,8:0.0} node executions/s  step overhead p50 {6,7:0.0} ms  p99 {7,7:0.0} ms",
        mode, Runs, Completed, Elapsed.TotalSeconds, Runs / Elapsed.TotalSeconds, NodeExecutions / Elapsed.TotalSeconds, Percentile(50), Percentile(99));
}
