using Resolute.Client;
using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Engine;

/// <summary>
/// The nodes of a parallel step run at the same time (seed: "Parallel: |--A--| |--B--| |--C--| Total: 3s"): three
/// one-second nodes take about one second, not three.
/// </summary>
[Trait("Area", "Engine")]
public sealed class ParallelStepTimingScenario(SingleWorkerCluster cluster, ITestOutputHelper output)
    : EngineScenario<SingleWorkerCluster>(cluster, output), IClassFixture<SingleWorkerCluster>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_parallel_step_of_three_one_second_nodes_finishes_in_well_under_two_seconds()
    {
        // A warm cluster: the first run of a fresh process pays for JIT and connection set-up.
        var warmUp = await Cluster.RunAsync(ParallelSleepFlow.Name, new SleepRequest(10));
        Assert.Equal(RunStatus.Completed, warmUp.Status);

        // Sequential nodes would need 3 s every time. On a busy 2-core CI machine (other test assemblies run beside
        // this one) a single measurement can include a second of queueing, so the step gets up to three tries and
        // must be under the limit in at least one; overlap and durations are checked on every try.
        var spans = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var run = await Cluster.RunAsync(ParallelSleepFlow.Name, new SleepRequest(1000));
            var span = AssertParallelStep(run);
            spans.Add(span);
            if (span < Limit)
            {
                break;
            }
        }

        Assert.True(spans.Min() < Limit, $"the step took {string.Join(", ", spans.Select(s => $"{s.TotalMilliseconds:0} ms"))} from first dispatch to last end");
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    /// <summary>Checks one run of the step; returns the time from the step's first dispatch to its last end.</summary>
    private TimeSpan AssertParallelStep(FlowRunDescription run)
    {
        Assert.True(run.Status == RunStatus.Completed, $"{run}; history: {EngineCluster.Describe(run.History)}");
        var step = run.History.Where(e => e.StepName == ParallelSleepFlow.Step).ToList();
        Assert.Equal(ParallelSleepFlow.NodeNames, step.Select(e => e.NodeName).Order(StringComparer.Ordinal));
        Assert.All(step, e => Assert.Equal(NodeExecutionOutcome.Completed, e.Outcome));
        Assert.All(ParallelSleepFlow.NodeNames, n => Assert.Equal(new SleepResult(n, 1000), run.State.Get<SleepResult>(n)));

        var firstDispatch = step.Min(e => e.DispatchedAt);
        var lastEnd = step.Max(e => e.EndedAt!.Value);
        Output.WriteLine($"step: first dispatch to last end {(lastEnd - firstDispatch).TotalMilliseconds:0} ms; " +
                         string.Join(", ", step.Select(e => $"{e.NodeName} +{(e.StartedAt!.Value - firstDispatch).TotalMilliseconds:0}..+{(e.EndedAt!.Value - firstDispatch).TotalMilliseconds:0} ms")));

        // All three were dispatched together, each slept its second, and they overlapped: each started before any ended.
        Assert.Single(step.Select(e => e.DispatchedAt).Distinct());
        Assert.All(step, e => Assert.True(e.EndedAt!.Value - e.StartedAt!.Value >= TimeSpan.FromMilliseconds(990), $"{e.NodeName} did not sleep its second"));
        Assert.True(step.Max(e => e.StartedAt!.Value) < step.Min(e => e.EndedAt!.Value), "the three nodes did not overlap: one started only after another had ended");
        return lastEnd - firstDispatch;
    }
}
