namespace Resolute.TestFlows;

/// <summary>Run input of the sleeping flows: how long each node sleeps.</summary>
public sealed record SleepRequest(int SleepMs);

/// <summary>Output of a sleeping node.</summary>
public sealed record SleepResult(string Node, int SleptMs);

/// <summary>Three nodes (<c>sleep-1..3</c>) in one parallel step <c>sleep-all</c>, each sleeping <c>SleepMs</c> (token honoured).</summary>
public static class ParallelSleepFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "parallel-sleep";

    /// <summary>The parallel step's name.</summary>
    public const string Step = "sleep-all";

    /// <summary>The sleeping nodes.</summary>
    public static IReadOnlyList<string> NodeNames { get; } = ["sleep-1", "sleep-2", "sleep-3"];

    /// <summary>The definition.</summary>
    public static Flow Definition { get; } = Flow.Create(Name)
        .TriggeredBy(Trigger.Manual("api"))
        .ThenParallel(Step, NodeNames.Select(Sleeping.Node).ToArray())
        .Build();
}

/// <summary>One node <c>sleep</c> sleeping <c>SleepMs</c>: the unit of work of the competing-workers scenario.</summary>
public static class SleepyFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "sleepy";

    /// <summary>The definition.</summary>
    public static Flow Definition { get; } = Flow.Create(Name)
        .TriggeredBy(Trigger.Manual("api"))
        .Then(Sleeping.Node("sleep"))
        .Build();
}

/// <summary>Run input of <see cref="TwoQueuesFlow"/>.</summary>
public sealed record QueueValue(int Value);

/// <summary>Output of the nodes of <see cref="TwoQueuesFlow"/>.</summary>
public sealed record QueueStepResult(int Value, string RanOn);

/// <summary>
/// <c>node-a</c> on the flow's task queue (<see cref="TestFlowCatalog.QueueA"/>) doubles the input; <c>node-b</c>
/// (<c>WithTaskQueue(queue-b)</c>) adds one. Outputs record the worker id, history records it too.
/// </summary>
public static class TwoQueuesFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "two-queues";

    /// <summary>The definition.</summary>
    public static Flow Definition { get; } = Flow.Create(Name)
        .TriggeredBy(Trigger.Manual("api"))
        .Then(Node.Create<QueueValue, QueueStepResult>("node-a", (QueueValue input, NodeContext context) => Task.FromResult(new QueueStepResult(input.Value * 2, "node-a"))))
        .Then(Node.Create<QueueValue, QueueStepResult>("node-b", (QueueValue input, NodeContext context) => Task.FromResult(new QueueStepResult(input.Value + 1, "node-b")))
            .WithInput(state => new QueueValue(state.Get<QueueStepResult>("node-a").Value))
            .WithTaskQueue(TestFlowCatalog.QueueB))
        .Build();
}

/// <summary>Run input of <see cref="WideFanInFlow"/>.</summary>
public sealed record FanSeed(int Seed);

/// <summary>Output of <c>part-NN</c>: value <c>Seed * 1000 + index</c>.</summary>
public sealed record FanPart(int Index, int Value);

/// <summary>Input of <c>join</c>: every part's output, read from FlowState.</summary>
public sealed record FanParts(IReadOnlyList<FanPart> Parts);

/// <summary>Output of <c>join</c>.</summary>
public sealed record FanJoin(int Count, long Sum, IReadOnlyList<int> Indexes);

/// <summary>
/// A parallel step <c>fan-out</c> of 32 quick nodes <c>part-00</c> … <c>part-31</c>, then <c>join</c>, which reads all
/// 32 outputs: 32 replies for one run arrive at the orchestrator at about the same time, and every one must count.
/// </summary>
public static class WideFanInFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "wide-fan-in";

    /// <summary>How many parallel nodes.</summary>
    public const int Width = 32;

    /// <summary>The parallel nodes' names.</summary>
    public static IReadOnlyList<string> PartNames { get; } = Enumerable.Range(0, Width).Select(i => $"part-{i:00}").ToList();

    /// <summary>The definition.</summary>
    public static Flow Definition { get; } = Flow.Create(Name)
        .TriggeredBy(Trigger.Manual("api"))
        .ThenParallel("fan-out", PartNames.Select((name, index) => Part(name, index)).ToArray())
        .Then(Node.Create<FanParts, FanJoin>("join", JoinAsync)
            .WithInput(state => new FanParts(PartNames.Select(name => state.Get<FanPart>(name)).ToList())))
        .Build();

    private static Node<FanSeed, FanPart> Part(string name, int index) =>
        Node.Create<FanSeed, FanPart>(name, (FanSeed seed, NodeContext context) => Task.FromResult(new FanPart(index, seed.Seed * 1000 + index)));

    private static Task<FanJoin> JoinAsync(FanParts parts, NodeContext context) =>
        Task.FromResult(new FanJoin(parts.Parts.Count, parts.Parts.Sum(p => (long)p.Value), parts.Parts.Select(p => p.Index).ToList()));
}

/// <summary>Run input of <see cref="TypedInputFlow"/>: <c>{"count": 21}</c>.</summary>
public sealed record CountRequest(int Count);

/// <summary>Output of <c>double-count</c>.</summary>
public sealed record CountResult(int Doubled, string Text);

/// <summary>One node <c>double-count</c> whose input type has an <c>int</c> field: for start requests with bad input.</summary>
public static class TypedInputFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "typed-input";

    /// <summary>The first (and only) node.</summary>
    public const string FirstNode = "double-count";

    /// <summary>The definition.</summary>
    public static Flow Definition { get; } = Flow.Create(Name)
        .TriggeredBy(Trigger.Manual("api"))
        .Then(Node.Create<CountRequest, CountResult>(FirstNode, (CountRequest request, NodeContext context) =>
            Task.FromResult(new CountResult(request.Count * 2, $"count {request.Count} doubled"))))
        .Build();
}

/// <summary>Run input of <see cref="TwoStepFlow"/>.</summary>
public sealed record TwoStepRequest(int Value, int SleepMs);

/// <summary>Output of <c>first</c>: <c>Value * 3</c>.</summary>
public sealed record FirstResult(int Tripled);

/// <summary>Input of <c>second</c>.</summary>
public sealed record SecondRequest(int Tripled, int SleepMs);

/// <summary>Output of <c>second</c>: <c>Tripled + 1</c>.</summary>
public sealed record SecondResult(int Value);

/// <summary><c>first</c> (quick), then <c>second</c>, which sleeps <c>SleepMs</c>: a window to inject a duplicate reply of <c>first</c>.</summary>
public static class TwoStepFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "two-step";

    /// <summary>The definition.</summary>
    public static Flow Definition { get; } = Flow.Create(Name)
        .TriggeredBy(Trigger.Manual("api"))
        .Then(Node.Create<TwoStepRequest, FirstResult>("first", (TwoStepRequest request, NodeContext context) => Task.FromResult(new FirstResult(request.Value * 3))))
        .Then(Node.Create<SecondRequest, SecondResult>("second", SecondAsync)
            .WithInput(state => new SecondRequest(state.Get<FirstResult>("first").Tripled, state.GetInput<TwoStepRequest>()!.SleepMs)))
        .Build();

    private static async Task<SecondResult> SecondAsync(SecondRequest request, NodeContext context)
    {
        await Task.Delay(request.SleepMs, context.CancellationToken).ConfigureAwait(false);
        return new SecondResult(request.Tripled + 1);
    }
}

/// <summary>The sleeping node shared by <see cref="ParallelSleepFlow"/> and <see cref="SleepyFlow"/>.</summary>
internal static class Sleeping
{
    public static Node Node(string name) =>
        Resolute.Node.Create<SleepRequest, SleepResult>(name, async (SleepRequest request, NodeContext context) =>
        {
            await Task.Delay(request.SleepMs, context.CancellationToken).ConfigureAwait(false);
            return new SleepResult(name, request.SleepMs);
        });
}
