using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Engine;

/// <summary>
/// Workers scale out per task queue: two worker processes consuming the same queue (two nodes at a time each) both
/// take work, and every node still runs exactly once.
/// </summary>
[Trait("Area", "Engine")]
public sealed class CompetingWorkersScenario(CompetingWorkersCluster cluster, ITestOutputHelper output)
    : EngineScenario<CompetingWorkersCluster>(cluster, output), IClassFixture<CompetingWorkersCluster>
{
    [Fact]
    public async Task Two_workers_on_one_queue_both_take_work_and_each_node_runs_once()
    {
        const int Runs = 20;
        var runIds = await Task.WhenAll(Enumerable.Range(0, Runs).Select(_ => Cluster.Client.StartAsync(SleepyFlow.Name, new SleepRequest(200))));
        var runs = await Task.WhenAll(runIds.Select(id => Cluster.WaitForEndAsync(id)));

        Assert.Equal(Runs, runs.Select(r => r.RunId).Distinct().Count());
        foreach (var run in runs)
        {
            Assert.True(run.Status == RunStatus.Completed, $"{run}; history: {EngineCluster.Describe(run.History)}");
            var execution = Assert.Single(run.History);
            Assert.Equal(NodeExecutionOutcome.Completed, execution.Outcome);
            Assert.Equal(new SleepResult("sleep", 200), run.State.Get<SleepResult>("sleep"));
        }

        var byWorker = runs.GroupBy(r => r.History[0].WorkerId ?? "(none)").ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        Output.WriteLine($"nodes per worker: {string.Join(", ", byWorker.Select(w => $"{w.Key}={w.Value}"))}");
        Assert.Equal(["w1", "w2"], byWorker.Keys.Order(StringComparer.Ordinal));
        await Cluster.AssertNoFaultedMessagesAsync();
    }
}
