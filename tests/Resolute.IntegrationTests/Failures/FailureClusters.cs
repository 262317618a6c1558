using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit;

namespace Resolute.IntegrationTests.Failures;

/// <summary>
/// An orchestrator polling its run timers every 50 ms (so retry waits can be measured to ±20 %) and one worker
/// <c>w1</c> consuming every task queue.
/// </summary>
public sealed class FailuresCluster : EngineCluster
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> OrchestratorArguments { get; } = ["--timer-poll", "50"];

    /// <inheritdoc />
    protected override IReadOnlyList<WorkerSpec> Workers { get; } = [new("w1", [])];
}

/// <summary>
/// The scenario classes sharing one <see cref="FailuresCluster"/> (they run one after the other; a cluster start costs
/// several seconds on the 2-core machines).
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedFailuresCluster : ICollectionFixture<FailuresCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Failures on one worker";
}

/// <summary>
/// An orchestrator that gives a silent attempt only 2 s past its node's timeout (<c>--deadline-grace 2</c>) and, when no worker
/// said it started it, 3 s more for a wait in its queue (<c>--queue-wait-limit 3</c>; timers
/// polled every 50 ms) and worker <c>victim</c>, alone on <see cref="FailureFlows.CrashQueue"/> (the crash scenario
/// kills it and starts <c>rescuer</c> on that queue).
/// </summary>
public sealed class DeadlineCluster : EngineCluster
{
    /// <inheritdoc />
    protected override IReadOnlyList<string> OrchestratorArguments { get; } = ["--deadline-grace", "2", "--queue-wait-limit", "3", "--timer-poll", "50"];

    /// <inheritdoc />
    protected override IReadOnlyList<WorkerSpec> Workers { get; } = [new("victim", [FailureFlows.CrashQueue])];
}
