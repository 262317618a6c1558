namespace Resolute.TestFlows;

/// <summary>A flow as the test processes register it: the definition and the task queue its nodes run on by default.</summary>
/// <param name="Flow">The definition.</param>
/// <param name="TaskQueue">The flow's default task queue (a node may name its own with <c>WithTaskQueue</c>).</param>
public sealed record TestFlow(Flow Flow, string TaskQueue);

/// <summary>
/// Every flow of the engine integration tests, built once. The test host registers all of them in every role, and the
/// in-test client registers them too, so all processes of a scenario hold the same definitions (and versions).
/// </summary>
public static class TestFlowCatalog
{
    /// <summary>The task queue of every test flow that does not name another one.</summary>
    public const string DefaultTaskQueue = "resolute-test-nodes";

    /// <summary>The default task queue of <see cref="TwoQueuesFlow"/> (node A).</summary>
    public const string QueueA = "queue-a";

    /// <summary>The task queue node B of <see cref="TwoQueuesFlow"/> names with <c>WithTaskQueue</c>.</summary>
    public const string QueueB = "queue-b";

    /// <summary>All test flows, the seed's examples (the samples' definitions) first, then the helper flows.</summary>
    public static IReadOnlyList<TestFlow> All { get; } =
    [
        .. SeedSampleFlows.All.Select(f => new TestFlow(f, DefaultTaskQueue)),
        new(ParallelSleepFlow.Definition, DefaultTaskQueue),
        new(TwoQueuesFlow.Definition, QueueA),
        new(SleepyFlow.Definition, DefaultTaskQueue),
        new(WideFanInFlow.Definition, DefaultTaskQueue),
        new(TypedInputFlow.Definition, DefaultTaskQueue),
        new(TwoStepFlow.Definition, DefaultTaskQueue),
        .. FailureFlows.All.Select(f => new TestFlow(f, DefaultTaskQueue)),
        .. DurabilityFlows.All.Select(f => new TestFlow(f, DefaultTaskQueue)),
        .. RateLimitFlows.All.Select(f => new TestFlow(f, DefaultTaskQueue)),
        .. ScheduleFlows.All.Select(f => new TestFlow(f, DefaultTaskQueue)),
        new(ShutdownDrainFlow.Definition, DefaultTaskQueue),
        new(UpgradeFlow.Generation == 2 ? UpgradeFlow.Version2 : UpgradeFlow.Version1, DefaultTaskQueue),
        new(SoakFlow.Definition, DefaultTaskQueue),
    ];

    /// <summary>
    /// Previous flow versions a process keeps registered beside <see cref="All"/> (<c>AddPreviousFlowVersion</c>): version 1
    /// of <see cref="UpgradeFlow"/> in a generation-2 process.
    /// </summary>
    public static IReadOnlyList<TestFlow> PreviousVersions { get; } =
        UpgradeFlow.Generation == 2 ? [new(UpgradeFlow.Version1, DefaultTaskQueue)] : [];

    /// <summary>Every task queue the test flows use.</summary>
    public static IReadOnlyList<string> TaskQueues { get; } =
        All.SelectMany(f => f.Flow.Nodes.Select(n => n.TaskQueue ?? f.TaskQueue)).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The flow named <paramref name="name"/>.</summary>
    public static TestFlow Get(string name) =>
        All.SingleOrDefault(f => f.Flow.Name == name)
        ?? throw new KeyNotFoundException($"No test flow '{name}'. Test flows: {string.Join(", ", All.Select(f => f.Flow.Name))}.");
}
