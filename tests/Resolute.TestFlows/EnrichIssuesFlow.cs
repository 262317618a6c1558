namespace Resolute.TestFlows;

/// <summary>An issue; the enrichments are filled in by <c>merge-data</c>.</summary>
public sealed record Issue(string Id, string Title, string Description, JiraData? JiraData = null, SlackData? SlackData = null, PrData? PrData = null);

/// <summary>Jira data of an issue: status <c>open</c> for odd numbers else <c>done</c>; story points = number.</summary>
public sealed record JiraData(string Status, int StoryPoints);

/// <summary>Slack data of an issue: mentions = 3 × number, channel <c>#{project}</c>.</summary>
public sealed record SlackData(int Mentions, string Channel);

/// <summary>Pull-request data of an issue: number modulo 3 open PRs, last author <c>dev-{number}</c>.</summary>
public sealed record PrData(int OpenPullRequests, string LastAuthor);

/// <summary>Run input of <see cref="EnrichIssuesFlow"/>: issues <c>{Project}-1</c> … <c>{Project}-{Count}</c>.</summary>
public sealed record IssuesQuery(string Project, int Count);

/// <summary>Output of <c>fetch-issues</c>, stored under <c>issues</c>.</summary>
public sealed record IssuesFetched(IReadOnlyList<Issue> Issues);

/// <summary>Input of the three enrich nodes.</summary>
public sealed record IssueIds(IReadOnlyList<string> Ids);

/// <summary>Output of <c>enrich-jira</c> (key <c>jira-data</c>).</summary>
public sealed record JiraEnrichOutput(IReadOnlyDictionary<string, JiraData> Data);

/// <summary>Output of <c>enrich-slack</c> (key <c>slack-data</c>).</summary>
public sealed record SlackEnrichOutput(IReadOnlyDictionary<string, SlackData> Data);

/// <summary>Output of <c>enrich-prs</c> (key <c>pr-data</c>).</summary>
public sealed record PrEnrichOutput(IReadOnlyDictionary<string, PrData> Data);

/// <summary>Input of <c>merge-data</c>.</summary>
public sealed record MergeInput(
    IReadOnlyList<Issue> Issues,
    IReadOnlyDictionary<string, JiraData> Jira,
    IReadOnlyDictionary<string, SlackData> Slack,
    IReadOnlyDictionary<string, PrData> Prs);

/// <summary>Output of <c>merge-data</c>.</summary>
public sealed record MergeOutput(IReadOnlyList<Issue> EnrichedIssues);

/// <summary>Input of <c>store-enriched</c>.</summary>
public sealed record StoreInput(IReadOnlyList<Issue> Issues);

/// <summary>Output of <c>store-enriched</c>: how many were stored, where, and the ids with their story points.</summary>
public sealed record StoreOutput(int Stored, string Location, string Digest);

/// <summary>
/// The seed's "Complete Example", node for node: <c>fetch-issues</c> (key <c>issues</c>); <c>enrich-jira</c>
/// (timeout 2 min, rate limit 50/min, key <c>jira-data</c>), <c>enrich-slack</c> (timeout 2 min, key
/// <c>slack-data</c>), <c>enrich-prs</c> (timeout 3 min, rate limit 1000/h, key <c>pr-data</c>) in parallel (step
/// <c>enrich-sources</c>); <c>merge-data</c>; <c>store-enriched</c>. Triggered every 4 hours, as in the seed.
/// </summary>
public static class EnrichIssuesFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "enrich-issues";

    /// <summary>The definition.</summary>
    public static Flow Definition { get; } = Build();

    private static Flow Build()
    {
        var fetchNode = Node.Create<IssuesQuery, IssuesFetched>("fetch-issues", FetchIssuesAsync).As("issues");

        var enrichJira = Node.Create<IssueIds, JiraEnrichOutput>("enrich-jira", EnrichFromJiraAsync)
            .WithInput(ExtractIds)
            .WithTimeout(TimeSpan.FromMinutes(2))
            .WithRateLimit(50, TimeSpan.FromMinutes(1))
            .As("jira-data");

        var enrichSlack = Node.Create<IssueIds, SlackEnrichOutput>("enrich-slack", EnrichFromSlackAsync)
            .WithInput(ExtractIds)
            .WithTimeout(TimeSpan.FromMinutes(2))
            .As("slack-data");

        var enrichPrs = Node.Create<IssueIds, PrEnrichOutput>("enrich-prs", EnrichFromGithubAsync)
            .WithInput(ExtractIds)
            .WithTimeout(TimeSpan.FromMinutes(3))
            .WithRateLimit(1000, TimeSpan.FromHours(1))
            .As("pr-data");

        var mergeNode = Node.Create<MergeInput, MergeOutput>("merge-data", MergeEnrichmentsAsync)
            .WithInput(state => new MergeInput(
                state.Get<IssuesFetched>("issues").Issues,
                state.Get<JiraEnrichOutput>("jira-data").Data,
                state.Get<SlackEnrichOutput>("slack-data").Data,
                state.Get<PrEnrichOutput>("pr-data").Data));

        var storeNode = Node.Create<StoreInput, StoreOutput>("store-enriched", StoreIssuesAsync)
            .WithInput(state => new StoreInput(state.Get<MergeOutput>("merge-data").EnrichedIssues));

        return Flow.Create(Name)
            .TriggeredBy(Trigger.Schedule("0 */4 * * *"))
            .Then(fetchNode)
            .ThenParallel("enrich-sources", enrichJira, enrichSlack, enrichPrs)
            .Then(mergeNode)
            .Then(storeNode)
            .Build();
    }

    private static IssueIds ExtractIds(FlowState state) => new(state.Get<IssuesFetched>("issues").Issues.Select(i => i.Id).ToList());

    private static int Number(string id) => int.Parse(id[(id.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    private static string Project(string id) => id[..id.LastIndexOf('-')];

    private static Task<IssuesFetched> FetchIssuesAsync(IssuesQuery query, NodeContext context)
    {
        // A scheduled run has no input: fetch a fixed small batch then.
        query ??= new IssuesQuery("SCHED", 2);
        var issues = Enumerable.Range(1, query.Count)
            .Select(i => new Issue($"{query.Project}-{i}", $"Issue {i}", $"Description of {query.Project}-{i}"))
            .ToList();
        return Task.FromResult(new IssuesFetched(issues));
    }

    // The enrich nodes stand for calls to remote APIs: each takes a moment, so the parallel step's nodes visibly overlap
    // (in traces too).
    private static readonly TimeSpan ApiLatency = TimeSpan.FromMilliseconds(300);

    private static async Task<JiraEnrichOutput> EnrichFromJiraAsync(IssueIds input, NodeContext context)
    {
        await Task.Delay(ApiLatency, context.CancellationToken).ConfigureAwait(false);
        return new JiraEnrichOutput(input.Ids.ToDictionary(id => id, id => new JiraData(Number(id) % 2 == 1 ? "open" : "done", Number(id))));
    }

    private static async Task<SlackEnrichOutput> EnrichFromSlackAsync(IssueIds input, NodeContext context)
    {
        await Task.Delay(ApiLatency, context.CancellationToken).ConfigureAwait(false);
        return new SlackEnrichOutput(input.Ids.ToDictionary(id => id, id => new SlackData(3 * Number(id), $"#{Project(id)}")));
    }

    private static async Task<PrEnrichOutput> EnrichFromGithubAsync(IssueIds input, NodeContext context)
    {
        await Task.Delay(ApiLatency, context.CancellationToken).ConfigureAwait(false);
        return new PrEnrichOutput(input.Ids.ToDictionary(id => id, id => new PrData(Number(id) % 3, $"dev-{Number(id)}")));
    }

    private static Task<MergeOutput> MergeEnrichmentsAsync(MergeInput input, NodeContext context) =>
        Task.FromResult(new MergeOutput(input.Issues
            .Select(i => i with { JiraData = input.Jira[i.Id], SlackData = input.Slack[i.Id], PrData = input.Prs[i.Id] })
            .ToList()));

    private static Task<StoreOutput> StoreIssuesAsync(StoreInput input, NodeContext context)
    {
        var incomplete = input.Issues.Where(i => i.JiraData is null || i.SlackData is null || i.PrData is null).Select(i => i.Id).ToList();
        if (incomplete.Count > 0)
        {
            throw new InvalidOperationException($"Issues without all enrichments: {string.Join(", ", incomplete)}.");
        }

        return Task.FromResult(new StoreOutput(
            input.Issues.Count,
            "issues-warehouse",
            string.Join(',', input.Issues.Select(i => $"{i.Id}={i.JiraData!.StoryPoints}"))));
    }
}
