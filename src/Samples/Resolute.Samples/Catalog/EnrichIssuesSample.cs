using Resolute.Contracts;
using Resolute.Samples.EnrichIssues;

namespace Resolute.Samples;

internal sealed class EnrichIssuesSample : ISample
{
    public string Name => EnrichIssuesFlow.Name;

    public string Summary => "the complete example: fetch issues, enrich from Jira, Slack and GitHub in parallel, merge, store";

    public IReadOnlyList<SampleOption> Options { get; } = [new("issues", "N", "how many issues to fetch (1 to 1000; default 5)")];

    // As the distributed service registers it: the enrich nodes on enrichment-queue, the others on issues-queue.
    public string TaskQueue => EnrichIssuesFlow.TaskQueue;

    public Flow Build(SimulatedWork work, SampleArguments args)
    {
        _ = Input(args);
        return EnrichIssuesFlow.Build(work);
    }

    public async Task<SampleVerdict> RunAsync(SampleSession session, SampleArguments args, CancellationToken cancellationToken)
    {
        var run = await session.RunAsync(Name, Input(args), "by hand (it is also scheduled every 4 hours)", cancellationToken);
        if (run.Status != RunStatus.Completed)
        {
            return SampleVerdict.Expect(false, $"the run completes (it ended {run.Status})");
        }

        var stored = run.State.Get<StoreOutput>("store-enriched");
        session.Line();
        session.Line($"  {stored.Stored} enriched issues stored in '{stored.Location}' ({stored.Digest})");
        foreach (var issue in run.State.Get<MergeOutput>("merge-data").EnrichedIssues)
        {
            session.Line($"    {issue.Id}: jira={issue.JiraData?.Status}/{issue.JiraData?.StoryPoints}pt slack={issue.SlackData?.Mentions} mentions in {issue.SlackData?.Channel} prs={issue.PrData?.OpenPullRequests}");
        }

        session.PrintParallelStep(run, "enrich-sources");
        return SampleVerdict.Expect(true, "completed; every issue enriched from all three sources");
    }

    private static FetchInput Input(SampleArguments args) => new("RES", args.Int("issues", 5, 1, 1000));
}
