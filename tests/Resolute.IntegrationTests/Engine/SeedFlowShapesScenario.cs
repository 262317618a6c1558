using Resolute.Client;
using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.Samples.ConditionalParallel;
using Resolute.Samples.EnrichData;
using Resolute.Samples.EnrichIssues;
using Resolute.Samples.FulfillOrder;
using Resolute.Samples.MultiApiCalls;
using Resolute.Samples.ParallelPipeline;
using Resolute.Samples.ProcessTransactions;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Engine;

/// <summary>
/// Every flow shape of the seed ("Parallel Execution") runs to completion across processes — orchestrator and worker
/// apart, over RabbitMQ, runs stored in PostgreSQL — with the exact outputs in FlowState.
/// </summary>
[Trait("Area", "Engine")]
public sealed class SeedFlowShapesScenario(SingleWorkerCluster cluster, ITestOutputHelper output)
    : EngineScenario<SingleWorkerCluster>(cluster, output), IClassFixture<SingleWorkerCluster>
{
    [Fact]
    public async Task Parallel_pipeline_runs_fetch_then_the_three_processors_then_aggregate()
    {
        var run = await Cluster.RunAsync(ParallelPipelineFlow.Name, new PipelineInput(5));

        AssertCompleted(run);
        Assert.Equal(new PipelineReport(5, 150, "a=2/50;b=2/70;c=1/30"), run.State.Get<PipelineReport>("aggregate"));
        Assert.Equal(new TypeSummary("a", 2, 50), run.State.Get<TypeSummary>("process-type-a"));
        Assert.Equal(new TypeSummary("b", 2, 70), run.State.Get<TypeSummary>("process-type-b"));
        Assert.Equal(new TypeSummary("c", 1, 30), run.State.Get<TypeSummary>("process-type-c"));
        Assert.Equal(
            [new("item-1", "a", 10), new("item-2", "b", 20), new("item-3", "c", 30), new("item-4", "a", 40), new PipelineItem("item-5", "b", 50)],
            run.State.Get<PipelineItems>("fetch").Items);

        AssertEachNodeOnce(run, ParallelPipelineFlow.NodeNames);
        // The three processors were dispatched together, and aggregate only after all three had ended.
        var parallel = run.History.Where(e => e.StepName == ParallelPipelineFlow.ParallelStep).ToList();
        Assert.Equal(3, parallel.Count);
        Assert.Single(parallel.Select(e => e.DispatchedAt).Distinct());
        var aggregate = run.History.Single(e => e.NodeName == "aggregate");
        Assert.True(aggregate.DispatchedAt >= parallel.Max(e => e.EndedAt!.Value), "aggregate was dispatched before every processor had ended");
        Assert.True(parallel[0].DispatchedAt >= run.History.Single(e => e.NodeName == "fetch").EndedAt!.Value, "the processors were dispatched before fetch ended");
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task Process_transactions_fans_out_with_each_processor_given_only_its_kind()
    {
        // fetch has a static input (seed: NewNode("fetch", fetchItems, FetchInput{})): the run needs none.
        var run = await Cluster.RunAsync(ProcessTransactionsFlow.Name, input: null);

        AssertCompleted(run);
        Assert.Equal(new TransactionsReport(60, 75, 90, -105), run.State.Get<TransactionsReport>("report"));
        AssertProcessed(run.State.Get<ProcessedTransactions>("process-orders"), "order", ["tx-1", "tx-4", "tx-7"], 60);
        AssertProcessed(run.State.Get<ProcessedTransactions>("process-returns"), "return", ["tx-2", "tx-5", "tx-8"], 75);
        AssertProcessed(run.State.Get<ProcessedTransactions>("process-refunds"), "refund", ["tx-3", "tx-6", "tx-9"], 90);
        // fetch stores its output under As("items"), not under its name.
        Assert.Equal(9, run.State.Get<TransactionItems>("items").Items.Count);
        Assert.False(run.State.Has("fetch"));
        AssertEachNodeOnce(run, ["fetch", "process-orders", "process-returns", "process-refunds", "report"]);
        await Cluster.AssertNoFaultedMessagesAsync();

        static void AssertProcessed(ProcessedTransactions actual, string kind, string[] ids, int total)
        {
            Assert.Equal(kind, actual.Kind);
            Assert.Equal(ids, actual.Ids);
            Assert.Equal(total, actual.Total);
        }
    }

    [Fact]
    public async Task Enrich_data_collects_the_parallel_results_under_their_As_keys()
    {
        var run = await Cluster.RunAsync(EnrichDataFlow.Name, new RecordsQuery("rec", 3));

        AssertCompleted(run);
        var aggregated = run.State.Get<EnrichedRecords>("aggregate");
        Assert.Equal(["rec-1:5:2:pr/rec-1", "rec-2:5:4:pr/rec-2", "rec-3:5:6:pr/rec-3"], aggregated.Lines);
        Assert.Equal(15, aggregated.TotalPoints);
        Assert.Equal(12, aggregated.TotalMentions);
        Assert.Equal(new Dictionary<string, int> { ["rec-1"] = 5, ["rec-2"] = 5, ["rec-3"] = 5 }, run.State.Get<JiraOutput>("jira").StoryPoints);
        Assert.Equal(new Dictionary<string, int> { ["rec-1"] = 2, ["rec-2"] = 4, ["rec-3"] = 6 }, run.State.Get<SlackOutput>("slack").Mentions);
        Assert.Equal(new Dictionary<string, string> { ["rec-1"] = "pr/rec-1", ["rec-2"] = "pr/rec-2", ["rec-3"] = "pr/rec-3" }, run.State.Get<GithubOutput>("github").PullRequests);
        // Outputs are stored under the As keys only, not under the node names.
        Assert.Equal(["aggregate", "github", "jira", "records", "slack"], run.State.Keys.Order(StringComparer.Ordinal));
        AssertEachNodeOnce(run, ["fetch", "enrich-jira", "enrich-slack", "enrich-github", "aggregate"]);
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task Fulfill_order_happy_path_creates_everything_and_runs_no_compensation()
    {
        var run = await Cluster.RunAsync(FulfillOrderFlow.Name, new OrderRequest("A17", 2500, 3));

        AssertCompleted(run);
        Assert.Equal(new OrderCreated("ord-A17", 2500), run.State.Get<OrderCreated>("create-order"));
        Assert.Equal(new InvoiceCreated("inv-A17", 3000), run.State.Get<InvoiceCreated>("create-invoice"));
        Assert.Equal(new ShipmentCreated("shp-A17", 2), run.State.Get<ShipmentCreated>("create-shipment"));
        Assert.Equal(new CustomerNotification("ord-A17 invoiced inv-A17 for 3000 cents, 2 parcel(s) in shp-A17"), run.State.Get<CustomerNotification>("notify-customer"));
        AssertEachNodeOnce(run, ["create-order", "create-invoice", "create-shipment", "notify-customer"]);
        Assert.DoesNotContain(run.History, e => e.IsCompensation || FulfillOrderFlow.CompensationNames.Contains(e.NodeName));
        Assert.Empty(run.Snapshot.CompensationErrors);
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task Enrich_issues_complete_example_fetches_enriches_in_parallel_merges_and_stores()
    {
        var run = await Cluster.RunAsync(EnrichIssuesFlow.Name, new FetchInput("RES", 3));

        AssertCompleted(run);
        Assert.Equal(new StoreOutput(3, "issues-warehouse", "RES-1=1,RES-2=2,RES-3=3"), run.State.Get<StoreOutput>("store-enriched"));
        Assert.Equal(new JiraData("open", 3), run.State.Get<JiraEnrichOutput>("jira-data").Data["RES-3"]);
        Assert.Equal(new SlackData(6, "#RES"), run.State.Get<SlackEnrichOutput>("slack-data").Data["RES-2"]);
        Assert.Equal(new PrData(1, "dev-1"), run.State.Get<PrEnrichOutput>("pr-data").Data["RES-1"]);
        var merged = run.State.Get<MergeOutput>("merge-data").EnrichedIssues;
        Assert.Equal(["RES-1", "RES-2", "RES-3"], merged.Select(i => i.Id));
        Assert.Equal(
            new Issue("RES-2", "Issue 2", "Description of RES-2", new JiraData("done", 2), new SlackData(6, "#RES"), new PrData(2, "dev-2")),
            merged[1]);
        AssertEachNodeOnce(run, ["fetch-issues", "enrich-jira", "enrich-slack", "enrich-prs", "merge-data", "store-enriched"]);
        Assert.Equal(3, run.History.Count(e => e.StepName == "enrich-sources"));
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task Conditional_parallel_takes_the_rush_branch_when_the_check_says_rush()
    {
        var run = await Cluster.RunAsync(ConditionalParallelFlow.Name, new OrderTypeRequest("R1", "rush"));

        AssertCompleted(run);
        Assert.Equal(new CheckOutput("R1", true), run.State.Get<CheckOutput>("check"));
        Assert.Equal(
            new OrderCompletion("R1 completed via rush: expedited:R1, warehouse-notified:R1, cs-alerted:R1"),
            run.State.Get<OrderCompletion>("complete-order"));
        Assert.Equal(new OrderAction("expedited:R1"), run.State.Get<OrderAction>("expedite-shipping"));
        Assert.False(run.State.Has(ConditionalParallelFlow.StandardNode));
        AssertEachNodeOnce(run, ["check-order-type", .. ConditionalParallelFlow.RushNodes, "complete-order"]);
        Assert.All(run.History.Where(e => ConditionalParallelFlow.RushNodes.Contains(e.NodeName)), e => Assert.Equal("rush-processing", e.StepName));
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task Conditional_parallel_takes_the_else_branch_otherwise()
    {
        var run = await Cluster.RunAsync(ConditionalParallelFlow.Name, new OrderTypeRequest("S1", "normal"));

        AssertCompleted(run);
        Assert.Equal(new CheckOutput("S1", false), run.State.Get<CheckOutput>("check"));
        Assert.Equal(new OrderCompletion("S1 completed via standard: standard:S1"), run.State.Get<OrderCompletion>("complete-order"));
        Assert.Equal(new OrderAction("standard:S1"), run.State.Get<OrderAction>(ConditionalParallelFlow.StandardNode));
        Assert.All(ConditionalParallelFlow.RushNodes, n => Assert.False(run.State.Has(n), $"rush node {n} has an output"));
        AssertEachNodeOnce(run, ["check-order-type", ConditionalParallelFlow.StandardNode, "complete-order"]);
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task Multi_api_calls_apply_each_nodes_own_retry_policy()
    {
        var run = await Cluster.RunAsync(MultiApiCallsFlow.Name, new ApiQuery("q"));

        AssertCompleted(run);
        Assert.Equal(new ApiAnswer("fast", "fast:q", 1), run.State.Get<ApiAnswer>("fast-api"));
        Assert.Equal(new ApiAnswer("slow", "slow:q", 1), run.State.Get<ApiAnswer>("slow-api"));
        Assert.Equal(new ApiAnswer("flaky", "flaky:q", 2), run.State.Get<ApiAnswer>("flaky-api"));

        // flaky-api failed once and was retried after its own policy's initial interval (1 s); the others ran once.
        var flaky = run.History.Where(e => e.NodeName == "flaky-api").OrderBy(e => e.Attempt).ToList();
        Assert.Equal([1, 2], flaky.Select(e => e.Attempt));
        Assert.Equal([NodeExecutionOutcome.Failed, NodeExecutionOutcome.Completed], flaky.Select(e => e.Outcome));
        Assert.Equal(typeof(InvalidOperationException).FullName, flaky[0].Error!.Type);
        Assert.Equal(MultiApiCallsFlow.FlakyMessage(1), flaky[0].Error!.Message);
        var backOff = flaky[1].DispatchedAt - flaky[0].EndedAt!.Value;
        Assert.True(backOff >= TimeSpan.FromSeconds(0.9), $"the retry was dispatched {backOff.TotalMilliseconds:0} ms after the failure; the policy says 1 s");
        Assert.Single(run.History, e => e.NodeName == "fast-api");
        Assert.Single(run.History, e => e.NodeName == "slow-api");
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    private static void AssertCompleted(FlowRunDescription run)
    {
        Assert.True(run.Status == RunStatus.Completed, $"{run}; history: {EngineCluster.Describe(run.History)}");
        Assert.Null(run.Error);
    }

    private static void AssertEachNodeOnce(FlowRunDescription run, IEnumerable<string> nodes)
    {
        var expected = nodes.Order(StringComparer.Ordinal).ToList();
        var actual = run.History.Select(e => e.NodeName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
        Assert.All(run.History, e =>
        {
            Assert.Equal(NodeExecutionOutcome.Completed, e.Outcome);
            Assert.Equal("w1", e.WorkerId);
        });
    }
}
