using Resolute.Contracts;
using Resolute.Samples.ParallelPipeline;

namespace Resolute.Samples;

internal sealed class ParallelPipelineSample : ISample
{
    public string Name => ParallelPipelineFlow.Name;

    public string Summary => "fetch, three processors in parallel, aggregate (the seed's basic pattern)";

    public IReadOnlyList<SampleOption> Options { get; } = [new("items", "N", "how many items to fetch (1 to 1000; default 6)")];

    public Flow Build(SimulatedWork work, SampleArguments args)
    {
        _ = Input(args);
        return ParallelPipelineFlow.Build(work);
    }

    public async Task<SampleVerdict> RunAsync(SampleSession session, SampleArguments args, CancellationToken cancellationToken)
    {
        var run = await session.RunAsync(Name, Input(args), "by hand", cancellationToken);
        if (run.Status != RunStatus.Completed)
        {
            return SampleVerdict.Expect(false, $"the run completes (it ended {run.Status})");
        }

        var report = run.State.Get<PipelineReport>("aggregate");
        session.Line();
        session.Line($"  aggregate: {report.Items} items, total {report.Total} ({report.Breakdown})");
        session.PrintParallelStep(run, ParallelPipelineFlow.ParallelStep);
        return SampleVerdict.Expect(true, "completed; aggregate ran after all three processors");
    }

    private static PipelineInput Input(SampleArguments args) => new(args.Int("items", 6, 1, 1000));
}
