using Resolute.Contracts;
using Resolute.Samples.EnrichData;

namespace Resolute.Samples;

internal sealed class EnrichDataSample : ISample
{
    public string Name => EnrichDataFlow.Name;

    public string Summary => "three enrichments in parallel, collected under their As keys by aggregate";

    public IReadOnlyList<SampleOption> Options { get; } = [new("records", "N", "how many records to enrich (1 to 1000; default 3)")];

    public Flow Build(SimulatedWork work, SampleArguments args)
    {
        _ = Input(args);
        return EnrichDataFlow.Build(work);
    }

    public async Task<SampleVerdict> RunAsync(SampleSession session, SampleArguments args, CancellationToken cancellationToken)
    {
        var run = await session.RunAsync(Name, Input(args), "by hand", cancellationToken);
        if (run.Status != RunStatus.Completed)
        {
            return SampleVerdict.Expect(false, $"the run completes (it ended {run.Status})");
        }

        var aggregated = run.State.Get<EnrichedRecords>("aggregate");
        session.Line();
        session.Line($"  state keys: {string.Join(", ", run.State.Keys.Order(StringComparer.Ordinal))} (outputs under their As keys)");
        session.Line($"  aggregate (id:points:mentions:pr): {string.Join("  ", aggregated.Lines)}");
        session.Line($"  total story points {aggregated.TotalPoints}, mentions {aggregated.TotalMentions}");
        session.PrintParallelStep(run, "enrich");
        return SampleVerdict.Expect(true, "completed; aggregate read jira, slack and github from the state");
    }

    private static RecordsQuery Input(SampleArguments args) => new("rec", args.Int("records", 3, 1, 1000));
}
