// Sample "enrich-data" — the seed's Collecting Results: fetch (key "records"), then enrich-jira, enrich-slack and
// enrich-github in parallel, each stored under its As key ("jira", "slack", "github"); aggregate reads all three keys.
//   dotnet run --project src/Samples/Resolute.Samples -- enrich-data [--records N]
namespace Resolute.Samples.EnrichData;

/// <summary>Run input: records <c>{Prefix}-1</c> … <c>{Prefix}-{Count}</c>.</summary>
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

/// <summary>The seed's "Collecting Results": the parallel outputs stored under their <c>As</c> keys and read together.</summary>
public static class EnrichDataFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "enrich-data";

    /// <summary>The nodes, in plan order.</summary>
    public static IReadOnlyList<string> NodeNames { get; } = ["fetch", "enrich-jira", "enrich-slack", "enrich-github", "aggregate"];

    /// <summary>Builds the flow; <paramref name="work"/> sets the simulated latencies and output (default: as written, silent).</summary>
    public static Flow Build(SimulatedWork? work = null)
    {
        work ??= new SimulatedWork();
        var fetch = Node.Create<RecordsQuery, RecordIds>("fetch", (query, ctx) => work.RunAsync(ctx, 200, () =>
                new RecordIds(Enumerable.Range(1, query.Count).Select(i => $"{query.Prefix}-{i}").ToList())))
            .As("records");
        var jira = Node.Create<RecordIds, JiraOutput>("enrich-jira", (records, ctx) => work.RunAsync(ctx, 700, () =>
                new JiraOutput(records.Ids.ToDictionary(id => id, id => id.Length))))
            .WithInput(Records).As("jira");
        var slack = Node.Create<RecordIds, SlackOutput>("enrich-slack", (records, ctx) => work.RunAsync(ctx, 500, () =>
                new SlackOutput(records.Ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => 2 * (p.i + 1)))))
            .WithInput(Records).As("slack");
        var github = Node.Create<RecordIds, GithubOutput>("enrich-github", (records, ctx) => work.RunAsync(ctx, 900, () =>
                new GithubOutput(records.Ids.ToDictionary(id => id, id => $"pr/{id}"))))
            .WithInput(Records).As("github");
        var aggregate = Node.Create<EnrichmentSet, EnrichedRecords>("aggregate", (set, ctx) => work.RunAsync(ctx, 100, () => Aggregate(set)))
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

    private static EnrichedRecords Aggregate(EnrichmentSet set)
    {
        var lines = set.Ids
            .Select(id => $"{id}:{set.JiraData.StoryPoints[id]}:{set.SlackData.Mentions[id]}:{set.GithubData.PullRequests[id]}")
            .ToList();
        return new EnrichedRecords(lines, set.JiraData.StoryPoints.Values.Sum(), set.SlackData.Mentions.Values.Sum());
    }
}
