using System.Globalization;

namespace Resolute.Samples.EnrichIssues;

/// <summary>An issue; the enrichments are filled in by <c>merge-data</c>.</summary>
public sealed record Issue(string Id, string Title, string Description, JiraData? JiraData = null, SlackData? SlackData = null, PrData? PrData = null);

/// <summary>Jira data of an issue: status <c>open</c> for odd numbers else <c>done</c>; story points = number.</summary>
public sealed record JiraData(string Status, int StoryPoints);

/// <summary>Slack data of an issue: mentions = 3 × number, channel <c>#{project}</c>.</summary>
public sealed record SlackData(int Mentions, string Channel);

/// <summary>Pull-request data of an issue: number modulo 3 open PRs, last author <c>dev-{number}</c>.</summary>
public sealed record PrData(int OpenPullRequests, string LastAuthor);

/// <summary>Run input: issues <c>{Project}-1</c> … <c>{Project}-{Count}</c>.</summary>
public sealed record FetchInput(string Project, int Count);

/// <summary>Output of <c>fetch-issues</c>, stored under <c>issues</c>.</summary>
public sealed record FetchOutput(IReadOnlyList<Issue> Issues);

/// <summary>Input of the three enrich nodes.</summary>
public sealed record EnrichInput(IReadOnlyList<string> IssueIds);

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
/// <c>enrich-sources</c>); <c>merge-data</c>; <c>store-enriched</c>. Every 4 hours, as in the seed, and by hand.
/// </summary>
/// <remarks>
/// The only definition of this flow: the embedded main job, the distributed service and start-publisher, the samples
/// console and the engine's integration tests all build it here. Latencies are simulated (<see cref="SimulatedWork"/>)
/// so the parallel step's timing is visible. By default two task queues, so that two worker pools scale apart: the
/// three enrich nodes (the slow calls to Jira, Slack and GitHub) run on the flow's queue (<see cref="TaskQueue"/>),
/// fetch, merge and store (the issue tracker and the warehouse) on <see cref="IssuesQueue"/>.
/// </remarks>
public static class EnrichIssuesFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "enrich-issues";

    /// <summary>The flow's task queue: the enrich nodes.</summary>
    public const string TaskQueue = "enrichment-queue";

    /// <summary>The queue of fetch-issues, merge-data and store-enriched.</summary>
    public const string IssuesQueue = "issues-queue";

    /// <summary>The nodes, in plan order.</summary>
    public static IReadOnlyList<string> NodeNames { get; } = ["fetch-issues", "enrich-jira", "enrich-slack", "enrich-prs", "merge-data", "store-enriched"];

    /// <summary>Builds the flow.</summary>
    /// <param name="work">The simulated latencies and where node starts and ends are printed (default: seed latencies, no output).</param>
    /// <param name="issuesQueue">
    /// The queue of fetch-issues, merge-data and store-enriched (default <see cref="IssuesQueue"/>); null runs them on the
    /// flow's queue, beside the enrich nodes.
    /// </param>
    public static Flow Build(SimulatedWork? work = null, string? issuesQueue = IssuesQueue)
    {
        work ??= new SimulatedWork();
        var fetchNode = Queue(Node.Create<FetchInput, FetchOutput>("fetch-issues", (input, ctx) => work.RunAsync(ctx, 300, () => FetchIssues(input))), issuesQueue)
            .As("issues");

        var enrichJira = Node.Create<EnrichInput, JiraEnrichOutput>("enrich-jira", (input, ctx) => work.RunAsync(ctx, 1200, () =>
                new JiraEnrichOutput(input.IssueIds.ToDictionary(id => id, id => new JiraData(Number(id) % 2 == 1 ? "open" : "done", Number(id))))))
            .WithInput(ExtractIds)
            .WithTimeout(TimeSpan.FromMinutes(2))
            .WithRateLimit(50, TimeSpan.FromMinutes(1)) // Jira rate limit
            .As("jira-data");

        var enrichSlack = Node.Create<EnrichInput, SlackEnrichOutput>("enrich-slack", (input, ctx) => work.RunAsync(ctx, 800, () =>
                new SlackEnrichOutput(input.IssueIds.ToDictionary(id => id, id => new SlackData(3 * Number(id), $"#{Project(id)}")))))
            .WithInput(ExtractIds)
            .WithTimeout(TimeSpan.FromMinutes(2))
            .As("slack-data");

        var enrichPrs = Node.Create<EnrichInput, PrEnrichOutput>("enrich-prs", (input, ctx) => work.RunAsync(ctx, 1500, () =>
                new PrEnrichOutput(input.IssueIds.ToDictionary(id => id, id => new PrData(Number(id) % 3, $"dev-{Number(id)}")))))
            .WithInput(ExtractIds)
            .WithTimeout(TimeSpan.FromMinutes(3))
            .WithRateLimit(1000, TimeSpan.FromHours(1)) // GitHub rate limit
            .As("pr-data");

        var mergeNode = Queue(Node.Create<MergeInput, MergeOutput>("merge-data", (input, ctx) => work.RunAsync(ctx, 200, () => Merge(input))), issuesQueue)
            .WithInput(state => new MergeInput(
                state.Get<FetchOutput>("issues").Issues,
                state.Get<JiraEnrichOutput>("jira-data").Data,
                state.Get<SlackEnrichOutput>("slack-data").Data,
                state.Get<PrEnrichOutput>("pr-data").Data));

        var storeNode = Queue(Node.Create<StoreInput, StoreOutput>("store-enriched", (input, ctx) => work.RunAsync(ctx, 250, () => Store(input))), issuesQueue)
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

    private static Node<TIn, TOut> Queue<TIn, TOut>(Node<TIn, TOut> node, string? queue) => queue is null ? node : node.WithTaskQueue(queue);

    private static EnrichInput ExtractIds(FlowState state) => new(state.Get<FetchOutput>("issues").Issues.Select(i => i.Id).ToList());

    private static int Number(string id) => int.Parse(id[(id.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);

    private static string Project(string id) => id[..id.LastIndexOf('-')];

    private static FetchOutput FetchIssues(FetchInput? input)
    {
        // A scheduled run has no input: fetch a fixed small batch then.
        input ??= new FetchInput("SCHED", 2);
        return new FetchOutput(Enumerable.Range(1, input.Count)
            .Select(i => new Issue($"{input.Project}-{i}", $"Issue {i}", $"Description of {input.Project}-{i}"))
            .ToList());
    }

    private static MergeOutput Merge(MergeInput input) =>
        new(input.Issues
            .Select(i => i with { JiraData = input.Jira[i.Id], SlackData = input.Slack[i.Id], PrData = input.Prs[i.Id] })
            .ToList());

    private static StoreOutput Store(StoreInput input)
    {
        var incomplete = input.Issues.Where(i => i.JiraData is null || i.SlackData is null || i.PrData is null).Select(i => i.Id).ToList();
        if (incomplete.Count > 0)
        {
            throw new InvalidOperationException($"Issues without all enrichments: {string.Join(", ", incomplete)}.");
        }

        return new StoreOutput(input.Issues.Count, "issues-warehouse", string.Join(',', input.Issues.Select(i => $"{i.Id}={i.JiraData!.StoryPoints}")));
    }
}
