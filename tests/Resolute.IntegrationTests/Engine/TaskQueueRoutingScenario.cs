using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Engine;

/// <summary>
/// A node runs on the worker pool of its own task queue and on no other: worker <c>wa</c> consumes only
/// <c>queue-a</c> (the flow's queue, node A), worker <c>wb</c> only <c>queue-b</c> (node B's <c>WithTaskQueue</c>).
/// </summary>
[Trait("Area", "Engine")]
public sealed class TaskQueueRoutingScenario(TwoQueuesCluster cluster, ITestOutputHelper output)
    : EngineScenario<TwoQueuesCluster>(cluster, output), IClassFixture<TwoQueuesCluster>
{
    [Fact]
    public async Task Each_node_runs_on_the_workers_of_its_own_task_queue()
    {
        var values = Enumerable.Range(1, 6).ToList();
        var runIds = await Task.WhenAll(values.Select(v => Cluster.Client.StartAsync(TwoQueuesFlow.Name, new QueueValue(v))));
        var runs = await Task.WhenAll(runIds.Select(id => Cluster.WaitForEndAsync(id)));

        foreach (var (run, value) in runs.Zip(values))
        {
            Assert.True(run.Status == RunStatus.Completed, $"{run}; history: {EngineCluster.Describe(run.History)}");
            Assert.Equal(new QueueStepResult(2 * value, "node-a"), run.State.Get<QueueStepResult>("node-a"));
            Assert.Equal(new QueueStepResult(2 * value + 1, "node-b"), run.State.Get<QueueStepResult>("node-b"));
            Assert.Equal("wa", Assert.Single(run.History, e => e.NodeName == "node-a").WorkerId);
            Assert.Equal("wb", Assert.Single(run.History, e => e.NodeName == "node-b").WorkerId);
            Assert.Equal(2, run.History.Count);
        }

        await Cluster.AssertNoFaultedMessagesAsync();
    }
}
