using Resolute.TestFlows;

namespace Resolute.IntegrationTests.Hosting;

/// <summary>An orchestrator and one worker (<c>w1</c>) consuming every task queue of the test flows.</summary>
public sealed class SingleWorkerCluster : EngineCluster
{
    /// <inheritdoc />
    protected override IReadOnlyList<WorkerSpec> Workers { get; } = [new("w1", [])];
}

/// <summary>An orchestrator, worker <c>wa</c> consuming only <c>queue-a</c> and worker <c>wb</c> consuming only <c>queue-b</c>.</summary>
public sealed class TwoQueuesCluster : EngineCluster
{
    /// <inheritdoc />
    protected override IReadOnlyList<WorkerSpec> Workers { get; } =
        [new("wa", [TestFlowCatalog.QueueA]), new("wb", [TestFlowCatalog.QueueB])];
}

/// <summary>An orchestrator and worker <c>wa</c> consuming only <c>queue-a</c>: nothing serves <c>queue-b</c> until a test starts it.</summary>
public sealed class QueueAOnlyCluster : EngineCluster
{
    /// <inheritdoc />
    protected override IReadOnlyList<WorkerSpec> Workers { get; } = [new("wa", [TestFlowCatalog.QueueA])];
}

/// <summary>An orchestrator and two workers, <c>w1</c> and <c>w2</c>, competing for the default queue, two nodes at a time each.</summary>
public sealed class CompetingWorkersCluster : EngineCluster
{
    /// <inheritdoc />
    protected override IReadOnlyList<WorkerSpec> Workers { get; } =
        [new("w1", [TestFlowCatalog.DefaultTaskQueue], Concurrency: 2), new("w2", [TestFlowCatalog.DefaultTaskQueue], Concurrency: 2)];
}

/// <summary>An orchestrator and one worker running 32 nodes at once: replies of a 32-wide step arrive together.</summary>
public sealed class WideWorkerCluster : EngineCluster
{
    /// <inheritdoc />
    protected override IReadOnlyList<WorkerSpec> Workers { get; } = [new("w1", [TestFlowCatalog.DefaultTaskQueue], Concurrency: 32)];
}
