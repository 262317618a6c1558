namespace Resolute.TestFlows;

/// <summary>Run input of <see cref="EnrichDataFlow"/>: records <c>{Prefix}-1</c> … <c>{Prefix}-{Count}</c>.</summary>
public sealed record RecordsQuery(string Prefix, int Count);

/// <summary>Output of <c>fetch</c>, stored under <c>records</c>.</summary>
public sealed record RecordIds(IReadOnlyList<string> Ids);

/// <summary>Output of <c>enrich-jira</c> (key <c>jira</c>): story points = length of the id.</summary>
public sealed record JiraOutput(IReadOnlyDictionary<string, int> StoryPoints);

/// <summary>Output of <c>enrich-slack</c> (key <c>slack</c>): mentions = 2 × position (from 1).</summary>
public sealed record SlackOutput(IReadOnlyDictionary<string, int> Mentions);

/// <summary>Output of <c>enrich-github</c> (key <c>github</c>): pull request <c>pr/{id}</c>.</summary>
public sealed record GithubOutput(IReadOnlyDictionary<string, string> PullRequests);

/// <summary>Input of <c>aggregate</c> (seed: <c>AggregateInput{JiraData, SlackData, GithubData}</c>).</summary>
public sealed record EnrichmentSet(IReadOnlyList<string> Ids, JiraOutput JiraData, SlackOutput SlackData, GithubOutput GithubData);

/// <summary>Output of <c>aggregate</c>: one line <c>{id}:{points}:{mentions}:{pr}</c> per record, and the sums.</summary>
public sealed record EnrichedRecords(IReadOnlyList<string> Lines, int TotalPoints, int TotalMentions);

/// <summary>
/// The seed's "Collecting Results": <c>fetch</c> (key <c>records</c>), then <c>enrich-jira</c>, <c>enrich-slack</c>,
/// <c>enrich-github</c> in parallel, stored under the <c>As</c> keys <c>jira</c>, <c>slack</c>, <c>github</c>; then
/// <c>aggregate</c> reads all three keys.
/// </summary>
public static class EnrichDataFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "enrich-data";

    /// <summary>The definition.</summary>
    public static Flow Definition { get; } = Build();

    private static Flow Build()
    {
        var fetch = Node.Create<RecordsQuery, RecordIds>("fetch", FetchAsync).As("records");
        var jira = Node.Create<RecordIds, JiraOutput>("enrich-jira", JiraAsync).WithInput(Records).As("jira");
        var slack = Node.Create<RecordIds, SlackOutput>("enrich-slack", SlackAsync).WithInput(Records).As("slack");
        var github = Node.Create<RecordIds, GithubOutput>("enrich-github", GithubAsync).WithInput(Records).As("github");
        var aggregate = Node.Create<EnrichmentSet, EnrichedRecords>("aggregate", AggregateAsync)
            .WithInput(state => new EnrichmentSet(
                state.Get<RecordIds>("records").Ids,
                state.Get<JiraOutput>("jira"),
                state.Get<SlackOutput>("slack"),
                state.Get<GithubOutput>("github")));

        return Flow.Create(Name)
            .TriggeredBy(Trigger.Manual("api"))
            .Then(fetch)
            .ThenParallel("enrich", jira, slack, github)
            .Then(aggregate)
            .Build();
    }

    private static RecordIds Records(FlowState state) => state.Get<RecordIds>("records");

    private static Task<RecordIds> FetchAsync(RecordsQuery query, NodeContext context) =>
        Task.FromResult(new RecordIds(Enumerable.Range(1, query.Count).Select(i => $"{query.Prefix}-{i}").ToList()));

    private static Task<JiraOutput> JiraAsync(RecordIds records, NodeContext context) =>
        Task.FromResult(new JiraOutput(records.Ids.ToDictionary(id => id, id => id.Length)));

    private static Task<SlackOutput> SlackAsync(RecordIds records, NodeContext context) =>
        Task.FromResult(new SlackOutput(records.Ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => 2 * (p.i + 1))));

    private static Task<GithubOutput> GithubAsync(RecordIds records, NodeContext context) =>
        Task.FromResult(new GithubOutput(records.Ids.ToDictionary(id => id, id => $"pr/{id}")));

    private static Task<EnrichedRecords> AggregateAsync(EnrichmentSet set, NodeContext context)
    {
        var lines = set.Ids
            .Select(id => $"{id}:{set.JiraData.StoryPoints[id]}:{set.SlackData.Mentions[id]}:{set.GithubData.PullRequests[id]}")
            .ToList();
        return Task.FromResult(new EnrichedRecords(lines, set.JiraData.StoryPoints.Values.Sum(), set.SlackData.Mentions.Values.Sum()));
    }
}
