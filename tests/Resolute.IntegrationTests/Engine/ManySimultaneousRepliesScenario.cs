using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Engine;

/// <summary>
/// Many replies for one run arriving at the same instant are all counted: a 32-wide parallel step on a worker running
/// 32 nodes at once sends 32 replies together to an orchestrator handling several messages at once; the join sees
/// all 32 outputs (no lost update of the run).
/// </summary>
[Trait("Area", "Engine")]
public sealed class ManySimultaneousRepliesScenario(WideWorkerCluster cluster, ITestOutputHelper output)
    : EngineScenario<WideWorkerCluster>(cluster, output), IClassFixture<WideWorkerCluster>
{
    [Fact]
    public async Task Thirty_two_simultaneous_replies_to_one_run_are_all_counted()
    {
        var seeds = Enumerable.Range(1, 5).ToList();
        var runIds = await Task.WhenAll(seeds.Select(seed => Cluster.Client.StartAsync(WideFanInFlow.Name, new FanSeed(seed))));
        var runs = await Task.WhenAll(runIds.Select(id => Cluster.WaitForEndAsync(id, TimeSpan.FromMinutes(2))));

        foreach (var (run, seed) in runs.Zip(seeds))
        {
            Assert.True(run.Status == RunStatus.Completed, $"{run}; history: {EngineCluster.Describe(run.History)}");
            var join = run.State.Get<FanJoin>("join");
            Assert.Equal(WideFanInFlow.Width, join.Count);
            Assert.Equal(Enumerable.Range(0, WideFanInFlow.Width), join.Indexes);
            // 32 × seed × 1000 + (0 + 1 + … + 31)
            Assert.Equal(32L * seed * 1000 + 496, join.Sum);
            Assert.All(WideFanInFlow.PartNames.Select((name, index) => (name, index)),
                p => Assert.Equal(new FanPart(p.index, seed * 1000 + p.index), run.State.Get<FanPart>(p.name)));

            Assert.Equal(WideFanInFlow.PartNames.Append("join").Order(StringComparer.Ordinal), run.History.Select(e => e.NodeName).Order(StringComparer.Ordinal));
            Assert.All(run.History, e => Assert.Equal(NodeExecutionOutcome.Completed, e.Outcome));
        }

        await Cluster.AssertNoFaultedMessagesAsync();
    }
}
