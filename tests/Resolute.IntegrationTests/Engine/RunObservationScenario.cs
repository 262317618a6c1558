using Resolute.Client;
using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Engine;

/// <summary>
/// What <c>resolute runs</c>, <c>flows</c> and <c>watch</c> read, across processes on RabbitMQ and PostgreSQL: a watch's
/// temporary queue receives the orchestrator's and the worker's node events over the broker's exchanges, run listings
/// come from the orchestrator's database, and the flows from the orchestrator's registry.
/// </summary>
[Trait("Area", "Cli")]
public sealed class RunObservationScenario(SingleWorkerCluster cluster, ITestOutputHelper output)
    : EngineScenario<SingleWorkerCluster>(cluster, output), IClassFixture<SingleWorkerCluster>
{
    [Fact]
    public async Task A_watch_over_RabbitMQ_sees_the_node_dispatched_started_and_completed_and_the_run_end()
    {
        var runId = Guid.NewGuid();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var seen = new List<FlowRunEvent>();
        await foreach (var item in Cluster.Client.WatchAsync(runId, deadline.Token))
        {
            seen.Add(item);
            if (item.Kind == FlowRunEventKind.Snapshot)
            {
                Assert.Null(item.Snapshot);
                await Cluster.Client.StartAsync(TypedInputFlow.Name, new CountRequest(21), new StartFlowOptions { RunId = runId }, deadline.Token);
            }
        }

        Assert.Equal(FlowRunEventKind.RunCompleted, seen[^1].Kind);
        var node = seen.Where(e => e.NodeName == TypedInputFlow.FirstNode).ToList();
        Assert.Equal(
            [FlowRunEventKind.NodeDispatched, FlowRunEventKind.NodeStarted, FlowRunEventKind.NodeCompleted],
            node.Select(e => e.Kind).Order());
        Assert.Single(node.Select(e => e.ExecutionId).Distinct());
        Assert.Contains(seen, e => e.Kind == FlowRunEventKind.RunStarted);

        var listed = await Cluster.Client.ListRunsAsync(new FlowRunQuery { FlowName = TypedInputFlow.Name, Statuses = [RunStatus.Completed], Limit = 1000 });
        Assert.Contains(listed.Runs, r => r.RunId == runId);

        var flows = await Cluster.Client.GetFlowsAsync(deadline.Token);
        var typed = Assert.Single(flows, f => f.Name == TypedInputFlow.Name);
        Assert.Equal(TypedInputFlow.Definition.Version, typed.Version);
        Assert.Equal(TypedInputFlow.FirstNode, Assert.Single(Assert.Single(typed.Steps).Nodes).Name);
        await Cluster.AssertNoFaultedMessagesAsync();
    }
}
