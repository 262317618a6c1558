using System.Diagnostics;
using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.Samples.ParallelPipeline;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Engine;

/// <summary>
/// A hundred runs started at the same moment all complete: none lost, none doubled, every node of every run executed
/// exactly once, every output where it belongs.
/// </summary>
[Trait("Area", "Engine")]
public sealed class ManySimultaneousRunsScenario(SingleWorkerCluster cluster, ITestOutputHelper output)
    : EngineScenario<SingleWorkerCluster>(cluster, output), IClassFixture<SingleWorkerCluster>
{
    [Fact]
    public async Task A_hundred_runs_started_at_once_all_complete_with_each_node_executed_once()
    {
        const int Runs = 100;
        var clock = Stopwatch.StartNew();
        // Item counts 1..10: every run's outputs differ, so a mixed-up state would show.
        var counts = Enumerable.Range(0, Runs).Select(i => 1 + i % 10).ToList();
        var runIds = await Task.WhenAll(counts.Select(n => Cluster.Client.StartAsync(ParallelPipelineFlow.Name, new PipelineInput(n))));
        Output.WriteLine($"{Runs} runs started in {clock.ElapsedMilliseconds} ms");

        var runs = await Task.WhenAll(runIds.Select(id => Cluster.WaitForEndAsync(id, TimeSpan.FromMinutes(2))));
        Output.WriteLine($"{Runs} runs ended {clock.ElapsedMilliseconds} ms after the first start");

        Assert.Equal(Runs, runIds.Distinct().Count());
        Assert.Equal(runIds, runs.Select(r => r.RunId));
        foreach (var (run, n) in runs.Zip(counts))
        {
            Assert.True(run.Status == RunStatus.Completed, $"{run}; history: {EngineCluster.Describe(run.History)}");
            Assert.Equal(ParallelPipelineFlow.NodeNames.Order(StringComparer.Ordinal), run.History.Select(e => e.NodeName).Order(StringComparer.Ordinal));
            Assert.All(run.History, e =>
            {
                Assert.Equal(NodeExecutionOutcome.Completed, e.Outcome);
                Assert.Equal(1, e.Attempt);
            });

            // n items of amounts 10, 20, ..., 10n.
            var report = run.State.Get<PipelineReport>("aggregate");
            Assert.Equal(n, report.Items);
            Assert.Equal(5 * n * (n + 1), report.Total);
            Assert.Equal(n, run.State.Get<PipelineItems>("fetch").Items.Count);
            Assert.Equal(n, "abc".Sum(t => run.State.Get<TypeSummary>($"process-type-{t}").Count));
        }

        await Cluster.AssertNoFaultedMessagesAsync();
    }
}
