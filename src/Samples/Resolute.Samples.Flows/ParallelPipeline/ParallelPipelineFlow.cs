// Sample "parallel-pipeline" — the seed's Basic Pattern: fetch, then three processors at once, then aggregate, which
// needs all three outputs. The parallel step takes about as long as its slowest processor.
//   dotnet run --project src/Samples/Resolute.Samples -- parallel-pipeline [--items N]
namespace Resolute.Samples.ParallelPipeline;

/// <summary>Run input: how many items to fetch.</summary>
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
/// <c>aggregate</c>.
/// </summary>
public static class ParallelPipelineFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "parallel-pipeline";

    /// <summary>The parallel step's name.</summary>
    public const string ParallelStep = "process-all";

    /// <summary>The nodes every run executes, in plan order.</summary>
    public static IReadOnlyList<string> NodeNames { get; } = ["fetch", "process-type-a", "process-type-b", "process-type-c", "aggregate"];

    /// <summary>Builds the flow; <paramref name="work"/> sets the simulated latencies and output (default: as written, silent).</summary>
    public static Flow Build(SimulatedWork? work = null)
    {
        work ??= new SimulatedWork();
        var fetch = Node.Create<PipelineInput, PipelineItems>("fetch", (input, ctx) => work.RunAsync(ctx, 200, () => Fetch(input)));
        var aggregate = Node.Create<PipelineSummaries, PipelineReport>("aggregate", (input, ctx) => work.RunAsync(ctx, 100, () => Aggregate(input)))
            .WithInput(state => new PipelineSummaries(
                state.Get<TypeSummary>("process-type-a"),
                state.Get<TypeSummary>("process-type-b"),
                state.Get<TypeSummary>("process-type-c")));

        return Flow.Create(Name)
            .TriggeredBy(Trigger.Manual("api"))
            .Then(fetch)
            .ThenParallel(ParallelStep, ProcessType(work, "a", 600), ProcessType(work, "b", 900), ProcessType(work, "c", 300))
            .Then(aggregate)
            .Build();
    }

    private static Node<TypeBatch, TypeSummary> ProcessType(SimulatedWork work, string type, int latencyMs) =>
        Node.Create<TypeBatch, TypeSummary>($"process-type-{type}", (batch, ctx) => work.RunAsync(ctx, latencyMs, () => Process(batch)))
            .WithInput(state => new TypeBatch(type, state.Get<PipelineItems>("fetch").Items.Where(i => i.Type == type).ToList()));

    private static PipelineItems Fetch(PipelineInput input)
    {
        var types = new[] { "a", "b", "c" };
        return new PipelineItems(Enumerable.Range(1, input.Count).Select(i => new PipelineItem($"item-{i}", types[(i - 1) % 3], 10 * i)).ToList());
    }

    private static TypeSummary Process(TypeBatch batch)
    {
        if (batch.Items.Any(i => i.Type != batch.Type))
        {
            throw new InvalidOperationException($"process-type-{batch.Type} received items of another type.");
        }

        return new TypeSummary(batch.Type, batch.Items.Count, batch.Items.Sum(i => i.Amount));
    }

    private static PipelineReport Aggregate(PipelineSummaries input)
    {
        var all = new[] { input.A, input.B, input.C };
        return new PipelineReport(all.Sum(s => s.Count), all.Sum(s => s.Total), string.Join(';', all.Select(s => $"{s.Type}={s.Count}/{s.Total}")));
    }
}
