using Resolute.Contracts;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Hosting;

/// <summary>
/// One image, many roles: a process whose command line names only the broker becomes a worker of <c>queue-b</c> — with
/// its id and concurrency — from environment variables alone, and serves the nodes of that queue.
/// </summary>
[Trait("Area", "Hosting")]
public sealed class RolesFromEnvironmentScenario(QueueAOnlyCluster cluster, ITestOutputHelper output)
    : EngineScenario<QueueAOnlyCluster>(cluster, output), IClassFixture<QueueAOnlyCluster>
{
    [Fact]
    public async Task A_worker_configured_by_environment_serves_the_queue_it_was_given()
    {
        await Cluster.StartConfiguredProcessAsync("env-worker", new Dictionary<string, string>
        {
            ["Resolute__Roles"] = "Worker",
            ["Resolute__Worker__TaskQueues"] = TestFlowCatalog.QueueB,
            ["Resolute__Worker__WorkerId"] = "env-worker",
            ["Resolute__Worker__ConcurrentNodeLimit"] = "2",
        });

        var run = await Cluster.RunAsync(TwoQueuesFlow.Name, new QueueValue(5));

        Assert.True(run.Status == RunStatus.Completed, $"{run}; history: {EngineCluster.Describe(run.History)}");
        Assert.Equal("wa", Assert.Single(run.History, e => e.NodeName == "node-a").WorkerId);
        Assert.Equal("env-worker", Assert.Single(run.History, e => e.NodeName == "node-b").WorkerId);
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task A_wrong_role_in_the_environment_stops_the_process_naming_the_key()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Cluster.StartConfiguredProcessAsync("bad-env", new Dictionary<string, string>
        {
            ["Resolute__Roles"] = "Wroker",
        }));

        Assert.Contains("Resolute:Roles: 'Wroker' is not a list of roles", error.Message, StringComparison.Ordinal);
    }
}
