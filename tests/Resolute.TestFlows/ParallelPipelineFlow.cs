namespace Resolute.TestFlows;

/// <summary>Run input of <see cref="ParallelPipelineFlow"/>: how many items to fetch.</summary>
public sealed record PipelineInput(int Count);

/// <summary>One fetched item: item <c>i</c> (from 1) has type a, b, c, a, b, c... and amount <c>10 * i</c>.</summary>
public sealed record PipelineItem(string Id, string Type, int Amount);

/// <summary>Output of <c>fetch</c>.</summary>
public sealed record PipelineItems(IReadOnlyList<PipelineItem> Items);

/// <summary>Input of a <c>process-type-*</c> node: the items of its type.</summary>
public sealed record TypeBatch(string Type, IReadOnlyList<PipelineItem> Items);

/// <summary>Output of a <c>process-type-*</c> node.</summary>
public sealed record TypeSummary(string Type, int Count, int Total);

/// <summary>Input of <c>aggregate</c>: the three parallel outputs.</summary>
public sealed record PipelineSummaries(TypeSummary A, TypeSummary B, TypeSummary C);

/// <summary>Output of <c>aggregate</c>: e.g. for 5 items <c>(5, 150, "a=2/50;b=2/70;c=1/30")</c>.</summary>
public sealed record PipelineReport(int Items, int Total, string Breakdown);

/// <summary>
/// The seed's basic pattern: <c>fetch</c>, then <c>process-type-a/b/c</c> in parallel (step <c>process-all</c>), then
/// <c>aggregate</c>, which needs all three outputs.
/// </summary>
public static class ParallelPipelineFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "parallel-pipeline";

    /// <summary>The parallel step's name.</summary>
    public const string ParallelStep = "process-all";

    /// <summary>The definition.</summary>
    public static Flow Definition { get; } = Build();

    /// <summary>The nodes every run executes, in plan order.</summary>
    public static IReadOnlyList<string> NodeNames { get; } = ["fetch", "process-type-a", "process-type-b", "process-type-c", "aggregate"];

    private static Flow Build()
    {
        var fetch = Node.Create<PipelineInput, PipelineItems>("fetch", FetchAsync);
        var aggregate = Node.Create<PipelineSummaries, PipelineReport>("aggregate", AggregateAsync)
            .WithInput(state => new PipelineSummaries(
                state.Get<TypeSummary>("process-type-a"),
                state.Get<TypeSummary>("process-type-b"),
                state.Get<TypeSummary>("process-type-c")));

        return Flow.Create(Name)
            .TriggeredBy(Trigger.Manual("api"))
            .Then(fetch)
            .ThenParallel(ParallelStep, ProcessType("a"), ProcessType("b"), ProcessType("c"))
            .Then(aggregate)
            .Build();
    }

    private static Node<TypeBatch, TypeSummary> ProcessType(string type) =>
        Node.Create<TypeBatch, TypeSummary>($"process-type-{type}", ProcessAsync)
            .WithInput(state => new TypeBatch(type, state.Get<PipelineItems>("fetch").Items.Where(i => i.Type == type).ToList()));

    private static Task<PipelineItems> FetchAsync(PipelineInput input, NodeContext context)
    {
        var types = new[] { "a", "b", "c" };
        var items = Enumerable.Range(1, input.Count).Select(i => new PipelineItem($"item-{i}", types[(i - 1) % 3], 10 * i)).ToList();
        return Task.FromResult(new PipelineItems(items));
    }

    private static Task<TypeSummary> ProcessAsync(TypeBatch batch, NodeContext context)
    {
        if (batch.Items.Any(i => i.Type != batch.Type))
        {
            throw new InvalidOperationException($"process-type-{batch.Type} received items of another type.");
        }

        return Task.FromResult(new TypeSummary(batch.Type, batch.Items.Count, batch.Items.Sum(i => i.Amount)));
    }

    private static Task<PipelineReport> AggregateAsync(PipelineSummaries input, NodeContext context)
    {
        var all = new[] { input.A, input.B, input.C };
        return Task.FromResult(new PipelineReport(
            all.Sum(s => s.Count),
            all.Sum(s => s.Total),
            string.Join(';', all.Select(s => $"{s.Type}={s.Count}/{s.Total}"))));
    }
}
