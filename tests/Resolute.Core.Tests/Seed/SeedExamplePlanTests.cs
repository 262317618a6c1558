using Resolute.Planning;
using Resolute.Samples;
using Resolute.Samples.ConditionalParallel;
using Resolute.Samples.EnrichData;
using Resolute.Samples.EnrichIssues;
using Resolute.Samples.FulfillOrder;
using Resolute.Samples.MultiApiCalls;
using Resolute.Samples.ParallelPipeline;
using Resolute.Samples.ProcessTransactions;
using Resolute.Samples.SharedRateLimit;
using Resolute.Tests.TestSupport;

namespace Resolute.Tests.Seed;

/// <summary>
/// The seed page's flows (shared/seed, "Parallel Execution"), as the samples define them (src/Samples), build into the
/// plans the page describes — and, run in-process by <see cref="PlanWalker"/> with no simulated latency, their input
/// functions read what the earlier steps stored.
/// </summary>
[Trait("Area", "Definition")]
public sealed class SeedExamplePlanTests
{
    private static readonly SimulatedWork Instant = SimulatedWork.Instant;

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
        var flow = ParallelPipelineFlow.Build(Instant);

        Assert.Equal("parallel-pipeline", flow.Name);
        Assert.Equal("api", Assert.IsType<ManualTrigger>(Assert.Single(flow.Triggers)).Id);
        Assert.Collection(
            flow.Plan.Steps,
            s => Sequential(s, "fetch"),
            s => Parallel(s, "process-all", "process-type-a", "process-type-b", "process-type-c"),
            s => Sequential(s, "aggregate"));
        InstructionAssert.Program(flow.Plan, "exec fetch", "exec process-all", "exec aggregate");
        Assert.Equal(ParallelPipelineFlow.NodeNames, flow.Nodes.Select(n => n.Name));
        DescribeMentionsEveryNode(flow);
    }

    [Fact]
    public async Task Basic_parallel_pattern_runs_with_all_outputs_available_to_the_aggregate()
    {
        var (state, nodes) = await PlanWalker.RunAsync(ParallelPipelineFlow.Build(Instant), FlowState.WithInput(new PipelineInput(5)));

        Assert.Equal(ParallelPipelineFlow.NodeNames, nodes);
        Assert.Equal(new TypeSummary("b", 2, 70), state.Get<TypeSummary>("process-type-b"));
        Assert.Equal(new PipelineReport(5, 150, "a=2/50;b=2/70;c=1/30"), state.Get<PipelineReport>("aggregate"));
    }

    // ---- Fan-Out Pattern --------------------------------------------------------------------------------------

    [Fact]
    public void Fan_out_pattern_is_scheduled_hourly_and_fans_out_over_the_fetched_items()
    {
        var flow = ProcessTransactionsFlow.Build(Instant);

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
                Assert.True(n.HasInputFunction);
                Assert.False(n.HasStaticInput);
                Assert.Equal(n.Name, n.OutputKey);
            });
        DescribeMentionsEveryNode(flow);
    }

    [Fact]
    public void Fan_out_input_functions_read_the_fetched_items_from_state()
    {
        var flow = ProcessTransactionsFlow.Build(Instant);
        var state = new FlowState();
        state.Set("items", new TransactionItems([new("tx-1", "order", 1), new("tx-2", "refund", 2), new("tx-3", "order", 3)]));

        var orders = Assert.IsType<TransactionBatch>(flow.GetNode("process-orders").ResolveInput(state));
        var returns = Assert.IsType<TransactionBatch>(flow.GetNode("process-returns").ResolveInput(state));
        var refunds = Assert.IsType<TransactionBatch>(flow.GetNode("process-refunds").ResolveInput(state));

        Assert.Equal(["tx-1", "tx-3"], orders.Items.Select(i => i.Id));
        Assert.Empty(returns.Items);
        Assert.Equal(["tx-2"], refunds.Items.Select(i => i.Id));
    }

    [Fact]
    public void Fan_out_input_function_before_fetch_completed_names_the_missing_key()
    {
        var flow = ProcessTransactionsFlow.Build(Instant);

        var error = Assert.Throws<FlowStateException>(() => flow.GetNode("process-orders").ResolveInput(new FlowState()));

        Assert.Equal("items", error.Key);
        Assert.Contains("expected a TransactionItems", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fan_out_runs_to_a_report_of_every_type()
    {
        var (state, nodes) = await PlanWalker.RunAsync(ProcessTransactionsFlow.Build(Instant), new FlowState());

        Assert.Equal(ProcessTransactionsFlow.NodeNames, nodes);
        Assert.Equal(new TransactionsReport(60, 75, 90, -105), state.Get<TransactionsReport>("report"));
        Assert.Equal(["items", "process-orders", "process-returns", "process-refunds", "report"], state.Keys);
    }

    // ---- Collecting Results -----------------------------------------------------------------------------------

    [Fact]
    public void Collecting_results_stores_each_enrichment_under_its_As_key()
    {
        var flow = EnrichDataFlow.Build(Instant);

        Assert.Equal("enrich-data", flow.Name);
        Assert.Collection(
            flow.Plan.Steps,
            s => Assert.Equal("records", Sequential(s, "fetch").Node.OutputKey),
            s => Assert.Equal(["jira", "slack", "github"], Parallel(s, "enrich", "enrich-jira", "enrich-slack", "enrich-github").Nodes.Select(n => n.OutputKey)),
            s => Sequential(s, "aggregate"));
        Assert.True(flow.GetNode("aggregate").HasInputFunction);
        Assert.True(flow.GetNode("enrich-jira").HasInputFunction);
        DescribeMentionsEveryNode(flow);
        Assert.Contains("enrich-jira -> 'jira'", flow.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Collecting_results_aggregate_reads_all_three_outputs()
    {
        var flow = EnrichDataFlow.Build(Instant);
        var state = new FlowState();
        state.Set("records", new RecordIds(["r-1"]));
        state.Set("jira", new JiraOutput(new Dictionary<string, int> { ["r-1"] = 1 }));
        state.Set("slack", new SlackOutput(new Dictionary<string, int> { ["r-1"] = 2 }));
        state.Set("github", new GithubOutput(new Dictionary<string, string> { ["r-1"] = "pr/r-1" }));

        var input = Assert.IsType<EnrichmentSet>(flow.GetNode("aggregate").ResolveInput(state));

        Assert.Equal(["r-1"], input.Ids);
        Assert.Equal(1, input.JiraData.StoryPoints["r-1"]);
        Assert.Equal(2, input.SlackData.Mentions["r-1"]);
        Assert.Equal("pr/r-1", input.GithubData.PullRequests["r-1"]);
    }

    [Fact]
    public void Collecting_results_aggregate_names_the_missing_output_and_what_is_there()
    {
        var flow = EnrichDataFlow.Build(Instant);
        var state = new FlowState();
        state.Set("records", new RecordIds(["r-1"]));
        state.Set("jira", new JiraOutput(new Dictionary<string, int> { ["r-1"] = 1 }));

        var error = Assert.Throws<FlowStateException>(() => flow.GetNode("aggregate").ResolveInput(state));

        Assert.Equal("slack", error.Key);
        Assert.Contains("'jira' (JiraOutput)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collecting_results_runs_to_an_aggregate_of_all_three()
    {
        var (state, _) = await PlanWalker.RunAsync(EnrichDataFlow.Build(Instant), FlowState.WithInput(new RecordsQuery("rec", 3)));

        var aggregated = state.Get<EnrichedRecords>("aggregate");
        Assert.Equal(["rec-1:5:2:pr/rec-1", "rec-2:5:4:pr/rec-2", "rec-3:5:6:pr/rec-3"], aggregated.Lines);
        Assert.Equal(15, aggregated.TotalPoints);
        Assert.Equal(12, aggregated.TotalMentions);
    }

    // ---- Error Handling ---------------------------------------------------------------------------------------

    [Fact]
    public void Error_handling_flow_lists_the_compensations_among_its_nodes()
    {
        var flow = FulfillOrderFlow.Build(Instant);

        Assert.Equal("fulfill-order", flow.Name);
        Assert.Collection(
            flow.Plan.Steps,
            s => Parallel(s, "create-all", "create-order", "create-invoice", "create-shipment"),
            s => Sequential(s, "notify-customer"));
        Assert.Equal([.. FulfillOrderFlow.NodeNames, .. FulfillOrderFlow.CompensationNames], flow.Nodes.Select(n => n.Name));
        Assert.Equal(FulfillOrderFlow.NodeNames, flow.Plan.StepNodes.Select(n => n.Name));
        Assert.Equal("cancel-order", flow.GetNode("create-order").Compensation!.Name);
        Assert.Equal("void-invoice", flow.GetNode("create-invoice").Compensation!.Name);
        Assert.Equal("cancel-shipment", flow.GetNode("create-shipment").Compensation!.Name);
        Assert.Null(flow.GetNode("notify-customer").Compensation);
        Assert.Same(flow.GetNode("create-order").Compensation, flow.GetNode("cancel-order"));
        InstructionAssert.Program(flow.Plan, "exec create-all", "exec notify-customer");
        DescribeMentionsEveryNode(flow);
        Assert.Contains("create-order (OrderRequest -> OrderCreated) [on error -> cancel-order]", flow.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_handling_compensation_reads_the_output_of_the_node_it_undoes()
    {
        var flow = FulfillOrderFlow.Build(Instant);
        var (state, nodes) = await PlanWalker.RunAsync(flow, FlowState.WithInput(new OrderRequest("42", 1000, 3)));
        Assert.Equal("ord-42 invoiced inv-42 for 1200 cents, 2 parcel(s) in shp-42", state.Get<CustomerNotification>("notify-customer").Message);
        Assert.DoesNotContain("cancel-order", nodes);

        var cancel = flow.GetNode("cancel-order");
        var input = cancel.ResolveInput(state);
        var undone = await cancel.ExecuteAsync(input, Stubs.Context("cancel-order"));

        Assert.Equal(new Undo("undone:ord-42"), undone);
    }

    [Fact]
    public async Task Error_handling_shipment_switch_makes_create_shipment_fail_without_retry()
    {
        var node = FulfillOrderFlow.Build(Instant).GetNode("create-shipment");

        var error = await Assert.ThrowsAsync<NonRetryableException>(() => node.ExecuteAsync(new OrderRequest("42", 1000, 3, FailShipment: true), Stubs.Context("create-shipment")));

        Assert.Equal(FulfillOrderFlow.ShipmentFailure, error.Message);
        Assert.False(node.RetryPolicy.IsRetryable(error));
    }

    // ---- Complete Example -------------------------------------------------------------------------------------

    [Fact]
    public void Complete_example_has_the_seed_shape_and_settings()
    {
        var flow = EnrichIssuesFlow.Build(Instant);

        Assert.Equal("enrich-issues", flow.Name);
        var schedule = Assert.Single(flow.Triggers.OfType<ScheduleTrigger>());
        Assert.Equal("0 */4 * * *", schedule.Cron);
        Assert.Equal("api", Assert.Single(flow.Triggers.OfType<ManualTrigger>()).Id);
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
        DescribeMentionsEveryNode(flow);
        Assert.Contains("enrich-prs -> 'pr-data' (EnrichInput -> PrEnrichOutput) [timeout 3m, rate 1000/1h]", flow.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_example_runs_fetch_merge_and_store_on_the_issues_queue_unless_told_otherwise()
    {
        var split = EnrichIssuesFlow.Build(Instant);
        var single = EnrichIssuesFlow.Build(Instant, issuesQueue: null);

        Assert.Equal(
            ["fetch-issues", "merge-data", "store-enriched"],
            split.Nodes.Where(n => n.TaskQueue == EnrichIssuesFlow.IssuesQueue).Select(n => n.Name));
        Assert.All(split.Nodes.Where(n => n.Name.StartsWith("enrich-", StringComparison.Ordinal)), n => Assert.Null(n.TaskQueue));
        Assert.All(single.Nodes, n => Assert.Null(n.TaskQueue));
        Assert.NotEqual(split.Version, single.Version);
    }

    [Fact]
    public void Complete_example_fires_every_four_hours()
    {
        var schedule = EnrichIssuesFlow.Build(Instant).Triggers.OfType<ScheduleTrigger>().Single();
        var after = new DateTimeOffset(2025, 11, 20, 13, 59, 59, TimeSpan.Zero);

        var first = schedule.GetNextOccurrence(after)!.Value;
        var second = schedule.GetNextOccurrence(first)!.Value;

        Assert.Equal(new DateTimeOffset(2025, 11, 20, 16, 0, 0, TimeSpan.Zero), first);
        Assert.Equal(new DateTimeOffset(2025, 11, 20, 20, 0, 0, TimeSpan.Zero), second);
    }

    [Fact]
    public async Task Complete_example_runs_to_stored_fully_enriched_issues()
    {
        var (state, nodes) = await PlanWalker.RunAsync(EnrichIssuesFlow.Build(Instant), FlowState.WithInput(new FetchInput("ISS", 2)));

        Assert.Equal(EnrichIssuesFlow.NodeNames, nodes);
        Assert.Equal(["issues", "jira-data", "slack-data", "pr-data", "merge-data", "store-enriched"], state.Keys);
        var merged = state.Get<MergeOutput>("merge-data").EnrichedIssues;
        Assert.Equal(new JiraData("done", 2), merged[1].JiraData);
        Assert.Equal(new PrData(1, "dev-1"), merged[0].PrData);
        Assert.Equal(new StoreOutput(2, "issues-warehouse", "ISS-1=1,ISS-2=2"), state.Get<StoreOutput>("store-enriched"));
    }

    [Fact]
    public void Complete_example_version_is_stable_across_builds_and_latencies()
    {
        Assert.Equal(EnrichIssuesFlow.Build(Instant).Version, EnrichIssuesFlow.Build(new SimulatedWork(2.0)).Version);
        Assert.NotEqual(EnrichIssuesFlow.Build(Instant).Version, ProcessTransactionsFlow.Build(Instant).Version);
    }

    // ---- Parallel Within Conditionals -------------------------------------------------------------------------

    [Fact]
    public void Conditional_parallel_has_a_parallel_then_branch_and_a_sequential_else_branch()
    {
        var flow = ConditionalParallelFlow.Build(Instant);

        Assert.Equal("conditional-parallel", flow.Name);
        Assert.Equal(3, flow.Plan.Steps.Count);
        Assert.Equal("check", Sequential(flow.Plan.Steps[0], "check-order-type").Node.OutputKey);
        var conditional = Assert.IsType<ConditionalStep>(flow.Plan.Steps[1]);
        Assert.Equal("when-1", conditional.Name);
        Assert.True(conditional.HasElse);
        Parallel(Assert.Single(conditional.ThenSteps), "rush-processing", [.. ConditionalParallelFlow.RushNodes]);
        Sequential(Assert.Single(conditional.ElseSteps), ConditionalParallelFlow.StandardNode);
        Sequential(flow.Plan.Steps[2], "complete-order");
        DescribeMentionsEveryNode(flow);
    }

    [Fact]
    public void Conditional_parallel_compiles_to_branch_and_jump()
    {
        var flow = ConditionalParallelFlow.Build(Instant);

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
        var flow = ConditionalParallelFlow.Build(Instant);

        var steps = PlanWalker.Walk(flow.Plan, new FlowState(), (step, state) =>
        {
            if (step.Name == "check-order-type")
            {
                state.Set("check", new CheckOutput("o-1", rush));
            }
        });

        Assert.Equal(expected, string.Join(' ', steps));
    }

    [Fact]
    public void Conditional_parallel_predicate_before_the_check_names_the_missing_key()
    {
        var flow = ConditionalParallelFlow.Build(Instant);
        var branch = Assert.IsType<BranchInstruction>(flow.Plan.Instructions[1]);

        var error = Assert.Throws<FlowStateException>(() => branch.Step.Predicate(new FlowState()));

        Assert.Equal("check", error.Key);
    }

    [Theory]
    [InlineData("rush", "check-order-type expedite-shipping notify-warehouse alert-customer-service complete-order", "o-9 completed via rush: expedited:o-9, warehouse-notified:o-9, cs-alerted:o-9")]
    [InlineData("standard", "check-order-type standard-processing complete-order", "o-9 completed via standard: standard:o-9")]
    public async Task Conditional_parallel_runs_the_branch_the_run_input_asks_for(string priority, string expected, string summary)
    {
        var (state, nodes) = await PlanWalker.RunAsync(ConditionalParallelFlow.Build(Instant), FlowState.WithInput(new OrderTypeRequest("o-9", priority)));

        var rush = priority == "rush";
        Assert.Equal(expected, string.Join(' ', nodes));
        Assert.Equal(rush, state.Get<CheckOutput>("check").IsRush);
        Assert.Equal(!rush, state.Has("standard-processing"));
        Assert.Equal(rush, state.Has("expedite-shipping"));
        Assert.Equal(summary, state.Get<OrderCompletion>("complete-order").Summary);
    }

    // ---- Configuration Options --------------------------------------------------------------------------------

    [Fact]
    public void Per_node_configuration_keeps_each_node_timeout_and_retry_policy()
    {
        var flow = MultiApiCallsFlow.Build(Instant);

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
        Assert.Contains("fast-api (ApiQuery -> ApiAnswer) [timeout 30s, retry 5 attempts, 1s x2 <= 1m]", flow.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Per_node_configuration_flaky_node_fails_its_first_attempts_then_answers()
    {
        var flaky = MultiApiCallsFlow.Build(Instant).GetNode("flaky-api");
        var query = new ApiQuery("q", FlakyFailures: 2);

        var first = await Assert.ThrowsAsync<InvalidOperationException>(() => flaky.ExecuteAsync(query, Stubs.Context("flaky-api", attempt: 1)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => flaky.ExecuteAsync(query, Stubs.Context("flaky-api", attempt: 2)));
        var third = await flaky.ExecuteAsync(query, Stubs.Context("flaky-api", attempt: 3));

        Assert.Equal(MultiApiCallsFlow.FlakyMessage(1), first.Message);
        Assert.True(flaky.RetryPolicy.IsRetryable(first));
        Assert.Equal(new ApiAnswer("flaky", "flaky:q", 3), third);
    }

    [Fact]
    public async Task Per_node_configuration_runs_when_no_attempt_fails()
    {
        var (state, _) = await PlanWalker.RunAsync(MultiApiCallsFlow.Build(Instant), FlowState.WithInput(new ApiQuery("q", FlakyFailures: 0)));

        Assert.Equal(new ApiAnswer("slow", "slow:q", 1), state.Get<ApiAnswer>("slow-api"));
        Assert.Equal(new ApiAnswer("flaky", "flaky:q", 1), state.Get<ApiAnswer>("flaky-api"));
    }

    // ---- Best practice: shared rate limiters ------------------------------------------------------------------

    [Fact]
    public void Shared_rate_limiter_is_the_same_limiter_on_every_node()
    {
        var flow = SharedRateLimitFlow.Build(Instant);

        var step = Parallel(Assert.Single(flow.Plan.Steps), "api-calls", "call-1", "call-2", "call-3");
        var limiter = step.Nodes[0].SharedRateLimiter;
        Assert.NotNull(limiter);
        Assert.Equal("external-api: 100/1m", limiter.ToString());
        Assert.All(step.Nodes, n => Assert.Same(limiter, n.SharedRateLimiter));
        Assert.All(step.Nodes, n => Assert.Null(n.RateLimit));
        Assert.Equal(TimeSpan.FromMilliseconds(600), SharedRateLimitFlow.Spacing(100));
    }
}
