using Resolute.Client;
using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Durability;

/// <summary>
/// An orchestrator and three workers <c>w1</c>..<c>w3</c> with version 1 of <see cref="UpgradeFlow"/>; the scenario
/// replaces them with processes of generation 2 (version 2 current, version 1 kept), named <c>*-v2</c>. Workers drain for
/// 1 s when stopped, so the nodes they hold go back to the queue at once.
/// </summary>
public sealed class RollingUpgradeCluster : EngineCluster
{
    /// <inheritdoc />
    protected override IReadOnlyList<WorkerSpec> Workers { get; } =
    [
        new("w1", [TestFlowCatalog.DefaultTaskQueue], ShutdownDrain: TimeSpan.FromSeconds(1)),
        new("w2", [TestFlowCatalog.DefaultTaskQueue], ShutdownDrain: TimeSpan.FromSeconds(1)),
        new("w3", [TestFlowCatalog.DefaultTaskQueue], ShutdownDrain: TimeSpan.FromSeconds(1)),
    ];

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> ProcessEnvironment(string processName) =>
        processName.EndsWith("-v2", StringComparison.Ordinal)
            ? new Dictionary<string, string> { [UpgradeFlow.GenerationVariable] = "2" }
            : new Dictionary<string, string>();
}

/// <summary>
/// Rolling upgrades lose no run: while runs of version 1 are in flight, the orchestrator and then each worker are
/// replaced, one by one, with processes that have version 2 and keep version 1. Runs started meanwhile follow version 2
/// and wait — visibly — while no worker has it yet; every run completes on the definition it started with.
/// </summary>
[Trait("Area", "Durability")]
public sealed class RollingUpgradeScenario(RollingUpgradeCluster cluster, ITestOutputHelper output)
    : EngineScenario<RollingUpgradeCluster>(cluster, output), IClassFixture<RollingUpgradeCluster>
{
    private const int RunsPerVersion = 8;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Runs_in_flight_while_the_orchestrator_and_then_each_worker_get_a_new_flow_version_all_complete_on_their_own_version()
    {
        var release = Path.Combine(Path.GetTempPath(), $"resolute-upgrade-release-{Guid.NewGuid():N}");
        try
        {
            // Version 1 everywhere: runs start and wait in their hold node.
            var oldRuns = await StartRunsAsync(0, release);
            foreach (var runId in oldRuns)
            {
                await Cluster.WaitUntilAsync(runId, r => r.History.Any(e => e.NodeName == "hold" && e.Outcome == NodeExecutionOutcome.Pending), "the hold node dispatched", Timeout);
            }

            // The orchestrator is replaced first: new runs follow version 2, which no worker has yet. They wait, and say why.
            await Cluster.RestartOrchestratorAsync(new Dictionary<string, string> { [UpgradeFlow.GenerationVariable] = "2" });
            var newRuns = await StartRunsAsync(100, release);
            var waiting = await Cluster.WaitUntilAsync(
                newRuns[0],
                r => r.History.Any(e => e.Outcome == NodeExecutionOutcome.WaitingForWorker),
                "a worker declining the version-2 command",
                Timeout);
            Assert.Equal(UpgradeFlow.Version2.Version, waiting.FlowVersion);
            Assert.Equal(RunStatus.Running, waiting.Status);
            var wait = waiting.History.Single(e => e.Outcome == NodeExecutionOutcome.WaitingForWorker);
            Assert.Equal(ErrorTypes.FlowVersionUnavailable, wait.Error!.Type);
            Assert.Contains(UpgradeFlow.Version2.Version, wait.Error.Message, StringComparison.Ordinal);
            Assert.NotNull(wait.WaitingSince);
            Output.WriteLine($"waiting: {wait.Error.Message}");

            // Then the workers, one by one; the version-1 nodes they held go back to the queue and on to the others.
            foreach (var worker in new[] { "w1", "w2", "w3" })
            {
                await Cluster.StopWorkerAsync(worker);
                await Cluster.StartWorkerAsync(new WorkerSpec($"{worker}-v2", [TestFlowCatalog.DefaultTaskQueue], ShutdownDrain: TimeSpan.FromSeconds(1)));
            }

            await File.WriteAllTextAsync(release, "released");
            var ended = new List<FlowRunDescription>();
            foreach (var runId in oldRuns.Concat(newRuns))
            {
                ended.Add(await Cluster.WaitForEndAsync(runId, Timeout));
            }

            foreach (var (run, i) in ended.Take(RunsPerVersion).Select((r, i) => (r, i)))
            {
                Assert.True(run.Status == RunStatus.Completed, $"{run}; history: {EngineCluster.Describe(run.History)}");
                Assert.Equal(UpgradeFlow.Version1.Version, run.FlowVersion);
                Assert.Equal(new UpgradeValue("v1", i), run.State.Get<UpgradeValue>("hold"));
                Assert.False(run.State.Has("added"));

                // Released only once every worker had been replaced: version 1 ran on the new workers, as a kept version.
                Assert.EndsWith("-v2", run.History.Last(e => e.NodeName == "hold").WorkerId, StringComparison.Ordinal);
            }

            foreach (var (run, i) in ended.Skip(RunsPerVersion).Select((r, i) => (r, 100 + i)))
            {
                Assert.True(run.Status == RunStatus.Completed, $"{run}; history: {EngineCluster.Describe(run.History)}");
                Assert.Equal(UpgradeFlow.Version2.Version, run.FlowVersion);
                Assert.Equal(new UpgradeValue("v2", i + 1), run.State.Get<UpgradeValue>("added"));
                Assert.Equal(new UpgradeValue("v2", i), run.State.Get<UpgradeValue>("hold"));
            }

            Assert.All(ended, run => Assert.DoesNotContain(run.History, e => e.Outcome == NodeExecutionOutcome.Failed));
            await Cluster.AssertNoFaultedMessagesAsync();
        }
        finally
        {
            File.Delete(release);
        }
    }

    private async Task<List<Guid>> StartRunsAsync(int firstValue, string release)
    {
        var runIds = new List<Guid>();
        for (var i = 0; i < RunsPerVersion; i++)
        {
            runIds.Add(await Cluster.Client.StartAsync(UpgradeFlow.Name, new UpgradeRequest(firstValue + i, release)));
        }

        return runIds;
    }
}
