using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;

namespace Resolute.IntegrationTests.Durability;

/// <summary>An orchestrator and two workers, <c>w1</c> and <c>w2</c>, competing for the default queue: either may die and the other carries on.</summary>
public sealed class TwoWorkerDurabilityCluster : EngineCluster
{
    /// <inheritdoc />
    protected override IReadOnlyList<WorkerSpec> Workers { get; } =
        [new("w1", [TestFlowCatalog.DefaultTaskQueue], Concurrency: 16), new("w2", [TestFlowCatalog.DefaultTaskQueue], Concurrency: 16)];
}

/// <summary>
/// Three workers <c>w1</c>..<c>w3</c> on the default queue; the scenario adds a second orchestrator replica
/// (<see cref="EngineCluster.StartOrchestratorReplicaAsync"/>), so two orchestrators share the saga queue and database.
/// </summary>
public sealed class ReplicatedDurabilityCluster : EngineCluster
{
    /// <inheritdoc />
    protected override IReadOnlyList<WorkerSpec> Workers { get; } =
    [
        new("w1", [TestFlowCatalog.DefaultTaskQueue], Concurrency: 16),
        new("w2", [TestFlowCatalog.DefaultTaskQueue], Concurrency: 16),
        new("w3", [TestFlowCatalog.DefaultTaskQueue], Concurrency: 16),
    ];
}
