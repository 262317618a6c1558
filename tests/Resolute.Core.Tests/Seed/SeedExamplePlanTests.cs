using Resolute.Planning;
using Resolute.Tests.TestSupport;

namespace Resolute.Tests.Seed;

/// <summary>
/// The seed page's flows, written in C# (<see cref="SeedFlows"/>), build into the plans the page describes — and,
/// run in-process by <see cref="PlanWalker"/>, their input functions read what the earlier steps stored.
/// </summary>
[Trait("Area", "Definition")]
public sealed class SeedExamplePlanTests
{
    private static ParallelStep Parallel(PlanStep step, string name, params string[] nodes)
    {
        var parallel = Assert.IsType<ParallelStep>(step);
        Assert.Equal(name, parallel.Name);
        Assert.Equal(nodes, parallel.Nodes.Select(n => n.Name));
        return parallel;
    }

    private static NodeStep Sequential(PlanStep step, string node)
    {
        var sequential = Assert.IsType<NodeStep>(step);
        Assert.Equal(node, sequential.Name);
        Assert.Equal(node, sequential.Node.Name);
        return sequential;
    }

    private static void DescribeMentionsEveryNode(Flow flow)
    {
        var description = flow.Describe();
        Assert.Contains($"flow '{flow.Name}'", description, StringComparison.Ordinal);
        foreach (var node in flow.Nodes)
        {
            Assert.Contains(node.Name, description, StringComparison.Ordinal);
        }
    }

    // ---- Basic Pattern ----------------------------------------------------------------------------------------

    [Fact]
    public void Basic_parallel_pattern_is_fetch_then_three_in_parallel_then_aggregate()
    {
        var flow = ParallelPipelineExample.Build();

        Assert.Equal("parallel-pipeline", flow.Name);
        Assert.Equal("api", Assert.IsType<ManualTrigger>(Assert.Single(flow.Triggers)).Id);
        Assert.Collection(
            flow.Plan.Steps,
            s => Sequential(s, "fetch"),
            s => Parallel(s, "process-all", "process-type-a", "process-type-b", "process-type-c"),
            s => Sequential(s, "aggregate"));
        InstructionAssert.Program(flow.Plan, "exec fetch", "exec process-all", "exec aggregate");
        Assert.Equal(["fetch", "process-type-a", "process-type-b", "process-type-c", "aggregate"], flow.Nodes.Select(n => n.Name));
        DescribeMentionsEveryNode(flow);
    }

    [Fact]
    public async Task Basic_parallel_pattern_runs_with_all_outputs_available_to_the_aggregate()
    {
        var (state, nodes) = await PlanWalker.RunAsync(ParallelPipelineExample.Build(), FlowState.WithInput(new ParallelPipelineExample.FetchInput("db")));

        Assert.Equal(["fetch", "process-type-a", "process-type-b", "process-type-c", "aggregate"], nodes);
        Assert.Equal(2, state.Get<ParallelPipelineExample.ProcessOutput>("process-type-b").Count);
        Assert.Equal(4, state.Get<ParallelPipelineExample.AggregateOutput>("aggregate").Total);
    }

    // ---- Fan-Out Pattern --------------------------------------------------------------------------------------

    [Fact]
    public void Fan_out_pattern_is_scheduled_hourly_and_fans_out_over_the_fetched_items()
    {
        var flow = FanOutExample.Build();

        Assert.Equal("process-transactions", flow.Name);
        var schedule = Assert.IsType<ScheduleTrigger>(Assert.Single(flow.Triggers));
        Assert.Equal("0 * * * *", schedule.Cron);
        Assert.Equal(new DateTimeOffset(2025, 5, 1, 11, 0, 0, TimeSpan.Zero), schedule.GetNextOccurrence(new DateTimeOffset(2025, 5, 1, 10, 30, 0, TimeSpan.Zero)));
        Assert.Collection(
            flow.Plan.Steps,
            s => Assert.Equal("items", Sequential(s, "fetch").Node.OutputKey),
            s => Parallel(s, "process-types", "process-orders", "process-returns", "process-refunds"),
            s => Sequential(s, "report"));
        InstructionAssert.Program(flow.Plan, "exec fetch", "exec process-types", "exec report");

        var fetch = flow.GetNode("fetch");
        Assert.True(fetch.HasStaticInput);
        Assert.False(fetch.HasInputFunction);
        Assert.All(
            ((ParallelStep)flow.Plan.Steps[1]).Nodes,
            n =>
            {
                // WithInput replaces the static input given to Create (the seed passes ProcessInput{} there).
                Assert.True(n.HasInputFunction);
                Assert.False(n.HasStaticInput);
                Assert.Equal(n.Name, n.OutputKey);
            });
        DescribeMentionsEveryNode(flow);
    }

    [Fact]
    public void Fan_out_input_functions_read_the_fetched_items_from_state()
    {
        var flow = FanOutExample.Build();
        var state = new FlowState();
        state.Set("items", new FanOutExample.FetchOutput(
        [
            new FanOutExample.Item("o-1", FanOutExample.ItemKind.Order, 1m),
            new FanOutExample.Item("f-1", FanOutExample.ItemKind.Refund, 2m),
            new FanOutExample.Item("o-2", FanOutExample.ItemKind.Order, 3m),
        ]));

        var orders = Assert.IsType<FanOutExample.ProcessInput>(flow.GetNode("process-orders").ResolveInput(state));
        var returns = Assert.IsType<FanOutExample.ProcessInput>(flow.GetNode("process-returns").ResolveInput(state));
        var refunds = Assert.IsType<FanOutExample.ProcessInput>(flow.GetNode("process-refunds").ResolveInput(state));

        Assert.Equal(["o-1", "o-2"], orders.Items.Select(i => i.Id));
        Assert.Empty(returns.Items);
        Assert.Equal(["f-1"], refunds.Items.Select(i => i.Id));
    }

    [Fact]
    public void Fan_out_input_function_before_fetch_completed_names_the_missing_key()
    {
        var flow = FanOutExample.Build();

        var error = Assert.Throws<FlowStateException>(() => flow.GetNode("process-orders").ResolveInput(new FlowState()));

        Assert.Equal("items", error.Key);
        Assert.Contains("expected a FetchOutput", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fan_out_runs_to_a_report_of_every_type()
    {
        var (state, nodes) = await PlanWalker.RunAsync(FanOutExample.Build(), new FlowState());

        Assert.Equal(["fetch", "process-orders", "process-returns", "process-refunds", "report"], nodes);
        Assert.Equal("orders=2/15.00 returns=1/3.25 refunds=1/1.10", state.Get<FanOutExample.ReportOutput>("report").Summary);
        Assert.Equal(["items", "process-orders", "process-returns", "process-refunds", "report"], state.Keys);
    }

    // ---- Collecting Results -----------------------------------------------------------------------------------

    [Fact]
    public void Collecting_results_stores_each_enrichment_under_its_As_key()
    {
        var flow = CollectingResultsExample.Build();

        Assert.Equal("enrich-data", flow.Name);
        Assert.Collection(
            flow.Plan.Steps,
            s => Sequential(s, "fetch"),
            s => Assert.Equal(["jira", "slack", "github"], Parallel(s, "enrich", "enrich-jira", "enrich-slack", "enrich-github").Nodes.Select(n => n.OutputKey)),
            s => Sequential(s, "aggregate"));
        Assert.True(flow.GetNode("aggregate").HasInputFunction);
        Assert.True(flow.GetNode("enrich-jira").HasStaticInput);
        DescribeMentionsEveryNode(flow);
        Assert.Contains("enrich-jira -> 'jira'", flow.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Collecting_results_aggregate_reads_all_three_outputs()
    {
        var flow = CollectingResultsExample.Build();
        var state = new FlowState();
        state.Set("jira", new CollectingResultsExample.JiraOutput(1));
        state.Set("slack", new CollectingResultsExample.SlackOutput(2));
        state.Set("github", new CollectingResultsExample.GithubOutput(3));

        var input = Assert.IsType<CollectingResultsExample.AggregateInput>(flow.GetNode("aggregate").ResolveInput(state));

        Assert.Equal(new CollectingResultsExample.AggregateInput(new(1), new(2), new(3)), input);
    }

    [Fact]
    public void Collecting_results_aggregate_names_the_missing_output_and_what_is_there()
    {
        var flow = CollectingResultsExample.Build();
        var state = new FlowState();
        state.Set("jira", new CollectingResultsExample.JiraOutput(1));

        var error = Assert.Throws<FlowStateException>(() => flow.GetNode("aggregate").ResolveInput(state));

        Assert.Equal("slack", error.Key);
        Assert.Contains("Keys present: 'jira' (JiraOutput)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collecting_results_runs_to_an_aggregate_of_all_three()
    {
        var (state, _) = await PlanWalker.RunAsync(CollectingResultsExample.Build(), new FlowState());

        Assert.Equal("jira=6 slack=10 github=14", state.Get<CollectingResultsExample.AggregateOutput>("aggregate").Summary);
    }

    // ---- Error Handling ---------------------------------------------------------------------------------------

    [Fact]
    public void Error_handling_flow_lists_the_compensations_among_its_nodes()
    {
        var flow = ErrorHandlingExample.Build();

        Assert.Equal("fulfill-order", flow.Name);
        Assert.Collection(
            flow.Plan.Steps,
            s => Parallel(s, "create-all", "create-order", "create-invoice", "create-shipment"),
            s => Sequential(s, "notify-customer"));
        Assert.Equal(
            ["create-order", "create-invoice", "create-shipment", "notify-customer", "cancel-order", "void-invoice", "cancel-shipment"],
            flow.Nodes.Select(n => n.Name));
        Assert.Equal(["create-order", "create-invoice", "create-shipment", "notify-customer"], flow.Plan.StepNodes.Select(n => n.Name));
        Assert.Equal("cancel-order", flow.GetNode("create-order").Compensation!.Name);
        Assert.Equal("void-invoice", flow.GetNode("create-invoice").Compensation!.Name);
        Assert.Equal("cancel-shipment", flow.GetNode("create-shipment").Compensation!.Name);
        Assert.Null(flow.GetNode("notify-customer").Compensation);
        Assert.Same(flow.GetNode("create-order").Compensation, flow.GetNode("cancel-order"));
        InstructionAssert.Program(flow.Plan, "exec create-all", "exec notify-customer");
        DescribeMentionsEveryNode(flow);
        Assert.Contains("create-order (OrderInput -> Created) [on error -> cancel-order]", flow.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_handling_compensation_reads_the_output_of_the_node_it_undoes()
    {
        var flow = ErrorHandlingExample.Build();
        var (state, nodes) = await PlanWalker.RunAsync(flow, FlowState.WithInput(new ErrorHandlingExample.OrderInput("42", 99.90m)));
        Assert.Equal("order ord-42 is on its way", state.Get<ErrorHandlingExample.Notified>("notify-customer").Message);
        Assert.DoesNotContain("cancel-order", nodes);

        var cancel = flow.GetNode("cancel-order");
        var input = cancel.ResolveInput(state);
        var undone = await cancel.ExecuteAsync(input, Stubs.Context("cancel-order"));

        Assert.Equal(new ErrorHandlingExample.Undone("ord-42"), undone);
    }

    // ---- Complete Example -------------------------------------------------------------------------------------

    [Fact]
    public void Complete_example_has_the_seed_shape_and_settings()
    {
        var flow = EnrichIssuesExample.Build();

        Assert.Equal("enrich-issues", flow.Name);
        var schedule = Assert.IsType<ScheduleTrigger>(Assert.Single(flow.Triggers));
        Assert.Equal("0 */4 * * *", schedule.Cron);
        Assert.Collection(
            flow.Plan.Steps,
            s => Assert.Equal("issues", Sequential(s, "fetch-issues").Node.OutputKey),
            s => Parallel(s, "enrich-sources", "enrich-jira", "enrich-slack", "enrich-prs"),
            s => Sequential(s, "merge-data"),
            s => Sequential(s, "store-enriched"));
        InstructionAssert.Program(flow.Plan, "exec fetch-issues", "exec enrich-sources", "exec merge-data", "exec store-enriched");

        var jira = flow.GetNode("enrich-jira");
        Assert.Equal("jira-data", jira.OutputKey);
        Assert.Equal(TimeSpan.FromMinutes(2), jira.Timeout);
        Assert.Equal(new RateLimit(50, TimeSpan.FromMinutes(1)), jira.RateLimit);
        Assert.Same(RetryPolicy.Default, jira.RetryPolicy);

        var slack = flow.GetNode("enrich-slack");
        Assert.Equal("slack-data", slack.OutputKey);
        Assert.Equal(TimeSpan.FromMinutes(2), slack.Timeout);
        Assert.Null(slack.RateLimit);

        var prs = flow.GetNode("enrich-prs");
        Assert.Equal("pr-data", prs.OutputKey);
        Assert.Equal(TimeSpan.FromMinutes(3), prs.Timeout);
        Assert.Equal(new RateLimit(1000, TimeSpan.FromHours(1)), prs.RateLimit);

        var merge = flow.GetNode("merge-data");
        Assert.Equal("merge-data", merge.OutputKey);
        Assert.Equal(Node.DefaultTimeout, merge.Timeout);
        Assert.Null(merge.ConfiguredTimeout);
        Assert.Equal("store-enriched", flow.GetNode("store-enriched").OutputKey);

        Assert.All(flow.Nodes, n => Assert.Null(n.Compensation));
        Assert.All(flow.Nodes, n => Assert.Null(n.TaskQueue));
        DescribeMentionsEveryNode(flow);
        Assert.Contains("enrich-prs -> 'pr-data' (EnrichInput -> PREnrichOutput) [timeout 3m, rate 1000/1h]", flow.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_example_fires_every_four_hours()
    {
        var schedule = (ScheduleTrigger)EnrichIssuesExample.Build().Triggers[0];
        var after = new DateTimeOffset(2025, 11, 20, 13, 59, 59, TimeSpan.Zero);

        var first = schedule.GetNextOccurrence(after)!.Value;
        var second = schedule.GetNextOccurrence(first)!.Value;

        Assert.Equal(new DateTimeOffset(2025, 11, 20, 16, 0, 0, TimeSpan.Zero), first);
        Assert.Equal(new DateTimeOffset(2025, 11, 20, 20, 0, 0, TimeSpan.Zero), second);
    }

    [Fact]
    public async Task Complete_example_runs_to_stored_fully_enriched_issues()
    {
        var (state, nodes) = await PlanWalker.RunAsync(EnrichIssuesExample.Build(), new FlowState());

        Assert.Equal(["fetch-issues", "enrich-jira", "enrich-slack", "enrich-prs", "merge-data", "store-enriched"], nodes);
        Assert.Equal(["issues", "jira-data", "slack-data", "pr-data", "merge-data", "store-enriched"], state.Keys);
        var merged = state.Get<EnrichIssuesExample.MergeOutput>("merge-data").EnrichedIssues;
        Assert.Equal(new EnrichIssuesExample.JiraData("open:ISS-2"), merged[1].JiraData);
        Assert.Equal(new EnrichIssuesExample.PRData(1), merged[0].PRData);
        Assert.Equal(2, state.Get<EnrichIssuesExample.StoreOutput>("store-enriched").Stored);
    }

    [Fact]
    public void Complete_example_version_is_stable_across_builds()
    {
        Assert.Equal(EnrichIssuesExample.Build().Version, EnrichIssuesExample.Build().Version);
        Assert.NotEqual(EnrichIssuesExample.Build().Version, FanOutExample.Build().Version);
    }

    // ---- Parallel Within Conditionals -------------------------------------------------------------------------

    [Fact]
    public void Conditional_parallel_has_a_parallel_then_branch_and_a_sequential_else_branch()
    {
        var flow = ConditionalParallelExample.Build();

        Assert.Equal("conditional-parallel", flow.Name);
        Assert.Equal(3, flow.Plan.Steps.Count);
        Assert.Equal("check", Sequential(flow.Plan.Steps[0], "check-order-type").Node.OutputKey);
        var conditional = Assert.IsType<ConditionalStep>(flow.Plan.Steps[1]);
        Assert.Equal("when-1", conditional.Name);
        Assert.True(conditional.HasElse);
        Parallel(Assert.Single(conditional.ThenSteps), "rush-processing", "expedite-shipping", "notify-warehouse", "alert-customer-service");
        Sequential(Assert.Single(conditional.ElseSteps), "standard-processing");
        Sequential(flow.Plan.Steps[2], "complete-order");
        DescribeMentionsEveryNode(flow);
    }

    [Fact]
    public void Conditional_parallel_compiles_to_branch_and_jump()
    {
        var flow = ConditionalParallelExample.Build();

        InstructionAssert.Program(flow.Plan,
            "exec check-order-type",
            "branch when-1 else 4",
            "exec rush-processing",
            "jump 5",
            "exec standard-processing",
            "exec complete-order");
        Assert.IsType<ParallelStep>(Assert.IsType<ExecuteInstruction>(flow.Plan.Instructions[2]).Step);
        Assert.IsType<NodeStep>(Assert.IsType<ExecuteInstruction>(flow.Plan.Instructions[4]).Step);
    }

    [Theory]
    [InlineData(true, "check-order-type rush-processing complete-order")]
    [InlineData(false, "check-order-type standard-processing complete-order")]
    public void Conditional_parallel_walk_chooses_the_branch_from_the_check_output(bool rush, string expected)
    {
        var flow = ConditionalParallelExample.Build();

        var steps = PlanWalker.Walk(flow.Plan, new FlowState(), (step, state) =>
        {
            if (step.Name == "check-order-type")
            {
                state.Set("check", new ConditionalParallelExample.CheckOutput(rush));
            }
        });

        Assert.Equal(expected, string.Join(' ', steps));
    }

    [Fact]
    public void Conditional_parallel_predicate_before_the_check_names_the_missing_key()
    {
        var flow = ConditionalParallelExample.Build();
        var branch = Assert.IsType<BranchInstruction>(flow.Plan.Instructions[1]);

        var error = Assert.Throws<FlowStateException>(() => branch.Step.Predicate(new FlowState()));

        Assert.Equal("check", error.Key);
    }

    [Theory]
    [InlineData(true, "check-order-type expedite-shipping notify-warehouse alert-customer-service complete-order")]
    [InlineData(false, "check-order-type standard-processing complete-order")]
    public async Task Conditional_parallel_runs_the_branch_the_run_input_asks_for(bool rush, string expected)
    {
        var (state, nodes) = await PlanWalker.RunAsync(ConditionalParallelExample.Build(), FlowState.WithInput(new ConditionalParallelExample.OrderInput("o-9", rush)));

        Assert.Equal(expected, string.Join(' ', nodes));
        Assert.Equal(rush, state.Get<ConditionalParallelExample.CheckOutput>("check").IsRush);
        Assert.Equal(!rush, state.Has("standard-processing"));
        Assert.Equal(rush, state.Has("expedite-shipping"));
        Assert.Equal("complete-order:o-9", state.Get<ConditionalParallelExample.Done>("complete-order").Step);
    }

    // ---- Configuration Options --------------------------------------------------------------------------------

    [Fact]
    public void Per_node_configuration_keeps_each_node_timeout_and_retry_policy()
    {
        var flow = PerNodeConfigurationExample.Build();

        var step = Parallel(Assert.Single(flow.Plan.Steps), "multi-api-calls", "fast-api", "slow-api", "flaky-api");

        var fast = step.Nodes[0];
        Assert.Equal(TimeSpan.FromSeconds(30), fast.Timeout);
        Assert.Equal(5, fast.RetryPolicy.MaximumAttempts);
        Assert.Equal(TimeSpan.FromSeconds(1), fast.RetryPolicy.InitialInterval);
        Assert.Equal(2.0, fast.RetryPolicy.BackoffCoefficient);
        Assert.Equal(TimeSpan.FromMinutes(1), fast.RetryPolicy.MaximumInterval);

        var slow = step.Nodes[1];
        Assert.Equal(TimeSpan.FromMinutes(5), slow.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(5), slow.ConfiguredTimeout);
        Assert.Equal(RetryPolicy.Default, slow.RetryPolicy);
        Assert.NotSame(RetryPolicy.Default, slow.RetryPolicy);

        var flaky = step.Nodes[2];
        Assert.Equal(TimeSpan.FromMinutes(1), flaky.Timeout);
        Assert.Equal(new RetryPolicy { InitialInterval = TimeSpan.FromSeconds(1), BackoffCoefficient = 2.0, MaximumAttempts = 10 }, flaky.RetryPolicy);
        Assert.True(flaky.RetryPolicy.AllowsAnotherAttempt(9));
        Assert.False(flaky.RetryPolicy.AllowsAnotherAttempt(10));

        InstructionAssert.Program(flow.Plan, "exec multi-api-calls");
        Assert.Contains("fast-api (ApiInput -> ApiOutput) [timeout 30s, retry 5 attempts, 1s x2 <= 1m]", flow.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Per_node_configuration_nodes_use_the_token_overload()
    {
        var (state, _) = await PlanWalker.RunAsync(PerNodeConfigurationExample.Build(), new FlowState());

        Assert.Equal(200, state.Get<PerNodeConfigurationExample.ApiOutput>("flaky-api").Status);
    }

    // ---- Best practice: shared rate limiters ------------------------------------------------------------------

    [Fact]
    public void Shared_rate_limiter_is_the_same_limiter_on_every_node()
    {
        var flow = SharedRateLimiterExample.Build();

        var step = Parallel(Assert.Single(flow.Plan.Steps), "api-calls", "call-1", "call-2", "call-3");
        var limiter = step.Nodes[0].SharedRateLimiter;
        Assert.NotNull(limiter);
        Assert.Equal("external-api: 100/1m", limiter.ToString());
        Assert.All(step.Nodes, n => Assert.Same(limiter, n.SharedRateLimiter));
        Assert.All(step.Nodes, n => Assert.Null(n.RateLimit));
    }
}
