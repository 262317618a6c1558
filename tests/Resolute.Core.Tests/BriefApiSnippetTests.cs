using Resolute.Planning;
using Resolute.Tests.TestSupport;

namespace Resolute.Tests;

/// <summary>
/// The Core part of the public-API snippet of BRIEF section 2, as written there (the <c>Worker</c> block belongs to
/// the hosting project). If a name of the contract changes, this file stops compiling.
/// </summary>
[Trait("Area", "Definition")]
public sealed class BriefApiSnippetTests
{
    internal sealed record FetchInput(string Query);

    internal sealed record FetchOutput(IReadOnlyList<string> Ids);

    internal sealed record EnrichInput(IReadOnlyList<string> Ids);

    internal sealed record JiraEnrichOutput(int Count);

    internal sealed record SlackEnrichOutput(int Count);

    internal sealed record PrEnrichOutput(int Count);

    internal sealed record CheckOutput(bool IsRush);

    internal sealed record In(string Value);

    internal sealed record Out(string Value);

    private static Task<FetchOutput> FetchIssuesAsync(FetchInput input, NodeContext context) => Task.FromResult(new FetchOutput(["I-1"]));

    private static Task<JiraEnrichOutput> EnrichFromJiraAsync(EnrichInput input, NodeContext context) => Task.FromResult(new JiraEnrichOutput(input.Ids.Count));

    private static Task<SlackEnrichOutput> EnrichFromSlackAsync(EnrichInput input, NodeContext context) => Task.FromResult(new SlackEnrichOutput(input.Ids.Count));

    private static Task<PrEnrichOutput> EnrichFromGithubAsync(EnrichInput input, CancellationToken cancellationToken) => Task.FromResult(new PrEnrichOutput(input.Ids.Count));

    private static Task<Out> CallApiAsync(In input, NodeContext context) => Task.FromResult(new Out(input.Value));

    private static Task<Out> UndoJiraAsync(In input, NodeContext context) => Task.FromResult(new Out("undone"));

    private static Node<In, Out> Step(string name) => Node.Create<In, Out>(name, CallApiAsync);

    [Fact]
    public void Brief_snippet_builds_the_flow_it_describes()
    {
        var undoJira = Node.Create<In, Out>("undo-jira", UndoJiraAsync);
        var slack = Node.Create<EnrichInput, SlackEnrichOutput>("enrich-slack", EnrichFromSlackAsync)
            .WithInput(state => new EnrichInput(state.Get<FetchOutput>("issues").Ids))
            .As("slack-data");
        var prs = Node.Create<EnrichInput, PrEnrichOutput>("enrich-prs", EnrichFromGithubAsync)
            .WithInput(state => new EnrichInput(state.Get<FetchOutput>("issues").Ids))
            .As("pr-data");
        var a = Step("rush-a");
        var b = Step("rush-b");
        var standard = Step("standard");
        var merge = Step("merge");

        // ---- BRIEF section 2, as written --------------------------------------------------------------------
        var fetch = Node.Create<FetchInput, FetchOutput>("fetch-issues", FetchIssuesAsync)
            .As("issues");

        var jira = Node.Create<EnrichInput, JiraEnrichOutput>("enrich-jira", EnrichFromJiraAsync)
            .WithInput(state => new EnrichInput(state.Get<FetchOutput>("issues").Ids))   // seed: WithInputFunc
            .WithTimeout(TimeSpan.FromMinutes(2))
            .WithRetry(new RetryPolicy { InitialInterval = TimeSpan.FromSeconds(1), BackoffCoefficient = 2.0, MaximumAttempts = 10 })
            .WithRateLimit(50, TimeSpan.FromMinutes(1))
            .OnError(undoJira)                      // compensation node
            .As("jira-data");

        var apiLimiter = RateLimiter.Shared("external-api", 100, TimeSpan.FromMinutes(1)); // seed: NewSharedRateLimiter
        var call1 = Node.Create<In, Out>("call-1", CallApiAsync).WithSharedRateLimit(apiLimiter);

        Flow flow = Flow.Create("enrich-issues")
            .TriggeredBy(Trigger.Schedule("0 */4 * * *"))     // or Trigger.Manual("api")
            .Then(fetch)
            .ThenParallel("enrich-sources", jira, slack, prs)
            .When(s => s.Get<CheckOutput>("check").IsRush)
                .ThenParallel("rush-processing", a, b)
            .Else()
                .Then(standard)
            .EndWhen()
            .Then(merge)
            .Build();                                          // throws FlowDefinitionException listing every problem
        // -------------------------------------------------------------------------------------------------------

        Assert.Equal("enrich-issues", flow.Name);
        Assert.Equal("0 */4 * * *", Assert.IsType<ScheduleTrigger>(Assert.Single(flow.Triggers)).Cron);
        Assert.Equal(4, flow.Plan.Steps.Count);
        Assert.Equal("issues", Assert.IsType<NodeStep>(flow.Plan.Steps[0]).Node.OutputKey);
        Assert.Equal(["enrich-jira", "enrich-slack", "enrich-prs"], Assert.IsType<ParallelStep>(flow.Plan.Steps[1]).Nodes.Select(n => n.Name));
        var conditional = Assert.IsType<ConditionalStep>(flow.Plan.Steps[2]);
        Assert.Equal(["rush-a", "rush-b"], Assert.IsType<ParallelStep>(Assert.Single(conditional.ThenSteps)).Nodes.Select(n => n.Name));
        Assert.Equal("standard", Assert.IsType<NodeStep>(Assert.Single(conditional.ElseSteps)).Name);
        Assert.Equal("merge", Assert.IsType<NodeStep>(flow.Plan.Steps[3]).Name);
        InstructionAssert.Program(flow.Plan,
            "exec fetch-issues",
            "exec enrich-sources",
            "branch when-1 else 5",
            "exec rush-processing",
            "jump 6",
            "exec standard",
            "exec merge");
        Assert.Equal(["fetch-issues", "enrich-jira", "enrich-slack", "enrich-prs", "rush-a", "rush-b", "standard", "merge", "undo-jira"], flow.Nodes.Select(n => n.Name));

        var builtJira = flow.GetNode("enrich-jira");
        Assert.Equal("jira-data", builtJira.OutputKey);
        Assert.Equal(TimeSpan.FromMinutes(2), builtJira.Timeout);
        Assert.Equal(10, builtJira.RetryPolicy.MaximumAttempts);
        Assert.Equal(new RateLimit(50, TimeSpan.FromMinutes(1)), builtJira.RateLimit);
        Assert.Same(undoJira, builtJira.Compensation);
        Assert.True(builtJira.HasInputFunction);

        Assert.Same(apiLimiter, call1.SharedRateLimiter);
        Assert.Equal("call-1", call1.Name);
    }

    [Fact]
    public void Brief_snippet_When_reads_the_live_state()
    {
        Flow flow = Flow.Create("enrich-issues")
            .TriggeredBy(Trigger.Manual("api"))
            .Then(Node.Create<In, CheckOutput>("check", (In _, NodeContext _) => Task.FromResult(new CheckOutput(true))))
            .When(s => s.Get<CheckOutput>("check").IsRush)
                .ThenParallel("rush-processing", Step("rush-a"), Step("rush-b"))
            .Else()
                .Then(Step("standard"))
            .EndWhen()
            .Then(Step("merge"))
            .Build();
        var state = new FlowState();
        state.Set("check", new CheckOutput(IsRush: false));

        Assert.Equal(["check", "standard", "merge"], PlanWalker.Walk(flow.Plan, state));
    }

    [Fact]
    public void Brief_snippet_names_FlowState_members()
    {
        var state = FlowState.WithInput(new In("run"));
        state.Set("issues", new FetchOutput(["I-1"]));

        Assert.Equal(["I-1"], state.Get<FetchOutput>("issues").Ids);
        Assert.True(state.TryGet<FetchOutput>("issues", out _));
        Assert.Null(state.GetOrDefault<CheckOutput>("check"));
        Assert.True(state.Has("issues"));
        Assert.Equal(["issues"], state.Keys);
        Assert.Equal(new In("run"), state.GetInput<In>());
    }
}
