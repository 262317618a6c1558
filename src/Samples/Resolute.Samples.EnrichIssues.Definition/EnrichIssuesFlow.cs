namespace Resolute.Samples.EnrichIssues;

public sealed record Issue(string Id, string Title, string Description, JiraData? Jira = null, SlackData? Slack = null, PrData? Pr = null);

public sealed record JiraData(string Status, int StoryPoints);

public sealed record SlackData(int Mentions, string Channel);

public sealed record PrData(int OpenPullRequests, string LastAuthor);

public sealed record FetchInput(string Project, int Count);

public sealed record FetchOutput(IReadOnlyList<Issue> Issues);

public sealed record EnrichInput(IReadOnlyList<string> IssueIds);

public sealed record JiraEnrichOutput(IReadOnlyDictionary<string, JiraData> Data);

public sealed record SlackEnrichOutput(IReadOnlyDictionary<string, SlackData> Data);

public sealed record PrEnrichOutput(IReadOnlyDictionary<string, PrData> Data);

public sealed record MergeInput(
    IReadOnlyList<Issue> Issues,
    IReadOnlyDictionary<string, JiraData> Jira,
    IReadOnlyDictionary<string, SlackData> Slack,
    IReadOnlyDictionary<string, PrData> Prs);

public sealed record MergeOutput(IReadOnlyList<Issue> EnrichedIssues);

public sealed record StoreInput(IReadOnlyList<Issue> Issues);

public sealed record StoreOutput(int Stored, string Location);

/// <summary>
/// The seed's "Complete Example", node for node. Latencies are simulated so the parallel step's timing is visible.
/// Two task queues, so that two worker pools scale apart: the three enrich nodes (the slow calls to Jira, Slack and
/// GitHub) run on <see cref="TaskQueue"/>, the flow's queue; fetch, merge and store (the issue tracker and the
/// warehouse) on <see cref="IssuesQueue"/>. A worker given no queues (the embedded main job) serves both.
/// </summary>
public static class EnrichIssuesFlow
{
    public const string Name = "enrich-issues";

    /// <summary>The flow's task queue: the enrich nodes.</summary>
    public const string TaskQueue = "enrichment-queue";

    /// <summary>The queue of fetch-issues, merge-data and store-enriched.</summary>
    public const string IssuesQueue = "issues-queue";

    public static Flow Build(NodeTimeline timeline)
    {
        var fetchNode = Node.Create<FetchInput, FetchOutput>("fetch-issues", (input, ctx) => timeline.Time(ctx, 300, () =>
                new FetchOutput(Enumerable.Range(1, input.Count)
                    .Select(i => new Issue($"{input.Project}-{i}", $"Issue {i}", $"Description of issue {i}"))
                    .ToList())))
            .WithTaskQueue(IssuesQueue)
            .As("issues");

        var enrichJira = Node.Create<EnrichInput, JiraEnrichOutput>("enrich-jira", (input, ctx) => timeline.Time(ctx, 1200, () =>
                new JiraEnrichOutput(input.IssueIds.ToDictionary(id => id, id => new JiraData("In Progress", id.Length % 8)))))
            .WithInput(state => new EnrichInput(ExtractIds(state.Get<FetchOutput>("issues").Issues)))
            .WithTimeout(TimeSpan.FromMinutes(2))
            .WithRateLimit(50, TimeSpan.FromMinutes(1)) // Jira rate limit
            .As("jira-data");

        var enrichSlack = Node.Create<EnrichInput, SlackEnrichOutput>("enrich-slack", (input, ctx) => timeline.Time(ctx, 800, () =>
                new SlackEnrichOutput(input.IssueIds.ToDictionary(id => id, id => new SlackData(id.Length, "#eng")))))
            .WithInput(state => new EnrichInput(ExtractIds(state.Get<FetchOutput>("issues").Issues)))
            .WithTimeout(TimeSpan.FromMinutes(2))
            .As("slack-data");

        var enrichPrs = Node.Create<EnrichInput, PrEnrichOutput>("enrich-prs", (input, ctx) => timeline.Time(ctx, 1500, () =>
                new PrEnrichOutput(input.IssueIds.ToDictionary(id => id, id => new PrData(1, "octocat")))))
            .WithInput(state => new EnrichInput(ExtractIds(state.Get<FetchOutput>("issues").Issues)))
            .WithTimeout(TimeSpan.FromMinutes(3))
            .WithRateLimit(1000, TimeSpan.FromHours(1)) // GitHub rate limit
            .As("pr-data");

        var mergeNode = Node.Create<MergeInput, MergeOutput>("merge-data", (input, ctx) => timeline.Time(ctx, 200, () =>
                new MergeOutput(input.Issues
                    .Select(i => i with { Jira = input.Jira.GetValueOrDefault(i.Id), Slack = input.Slack.GetValueOrDefault(i.Id), Pr = input.Prs.GetValueOrDefault(i.Id) })
                    .ToList())))
            .WithTaskQueue(IssuesQueue)
            .WithInput(state => new MergeInput(
                state.Get<FetchOutput>("issues").Issues,
                state.Get<JiraEnrichOutput>("jira-data").Data,
                state.Get<SlackEnrichOutput>("slack-data").Data,
                state.Get<PrEnrichOutput>("pr-data").Data));

        var storeNode = Node.Create<StoreInput, StoreOutput>("store-enriched", (input, ctx) => timeline.Time(ctx, 250, () =>
                new StoreOutput(input.Issues.Count, "issues-warehouse")))
            .WithTaskQueue(IssuesQueue)
            .WithInput(state => new StoreInput(state.Get<MergeOutput>("merge-data").EnrichedIssues));

        return Flow.Create(Name)
            .TriggeredBy(Trigger.Schedule("0 */4 * * *")) // every 4 hours
            .TriggeredBy(Trigger.Manual("api"))
            .Then(fetchNode)
            .ThenParallel("enrich-sources", enrichJira, enrichSlack, enrichPrs)
            .Then(mergeNode)
            .Then(storeNode)
            .Build();
    }

    private static List<string> ExtractIds(IReadOnlyList<Issue> issues) => issues.Select(i => i.Id).ToList();
}
