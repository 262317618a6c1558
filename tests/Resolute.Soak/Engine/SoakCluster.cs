using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;

namespace Resolute.Soak;

/// <summary>
/// The soak's deployment: two orchestrators (<see cref="FirstOrchestrator"/>, which migrates the database, then
/// <see cref="SecondOrchestrator"/>) sharing the saga queue and database, and three workers (<see cref="WorkerIds"/>)
/// competing for the test flows' queue — each a separate test-host process, in a virtual host and database of its own.
/// </summary>
public sealed class SoakCluster : EngineCluster
{
    /// <summary>The first orchestrator (the cluster's <see cref="EngineCluster.Orchestrator"/>).</summary>
    public const string FirstOrchestrator = "orchestrator";

    /// <summary>The second orchestrator, a replica started once the first has migrated the database.</summary>
    public const string SecondOrchestrator = "orchestrator-2";

    /// <summary>The worker ids.</summary>
    public static readonly IReadOnlyList<string> WorkerIds = ["w1", "w2", "w3"];

    /// <inheritdoc />
    protected override IReadOnlyList<WorkerSpec> Workers { get; } = WorkerIds.Select(id => new WorkerSpec(id, [TestFlowCatalog.DefaultTaskQueue], Concurrency: 16)).ToList();

    /// <summary>
    /// A silent attempt (its command lost with a killed process) is retried 5 s after its timeout instead of 30 s, so
    /// that such a recovery fits in the drain.
    /// </summary>
    protected override IReadOnlyList<string> OrchestratorArguments { get; } = ["--deadline-grace", "5"];

    /// <summary>Starts everything: the first orchestrator, the workers and the client, then the second orchestrator.</summary>
    public async Task StartAsync()
    {
        await InitializeAsync().ConfigureAwait(false);
        await StartSecondOrchestratorAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Starts <see cref="SecondOrchestrator"/>; once the cluster is initialised (by <see cref="StartAsync"/>, or by xunit
    /// when the cluster is a class fixture), so that the database is already migrated.
    /// </summary>
    public Task StartSecondOrchestratorAsync() => StartOrchestratorReplicaAsync(SecondOrchestrator);

    /// <summary>Replaces the orchestrator <paramref name="name"/> (either of the two) by a new process and waits until it is ready.</summary>
    public Task RestartOrchestratorAsync(string name) =>
        name == FirstOrchestrator ? RestartOrchestratorAsync() : RestartOrchestratorReplicaAsync(name);
}
