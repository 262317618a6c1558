namespace Resolute.Tests.Seed;

// The flows of the seed page (shared/seed/000_ff177623b3703f8f.txt, "Parallel Execution") written with the C# API,
// with stub node functions. Each example keeps its own types, as the seed does.

/// <summary>"Basic Pattern": fetch, three processors in parallel, aggregate.</summary>
internal static class ParallelPipelineExample
{
    internal sealed record FetchInput(string Source);

    internal sealed record FetchOutput(IReadOnlyList<string> Items);

    internal sealed record ProcessInput(IReadOnlyList<string> Items);

    internal sealed record ProcessOutput(string Type, int Count);

    internal sealed record AggregateInput(IReadOnlyList<ProcessOutput> Results);

    internal sealed record AggregateOutput(int Total);

    public static Flow Build()
    {
        var fetchNode = Node.Create<FetchInput, FetchOutput>("fetch", (FetchInput input, NodeContext context) =>
            Task.FromResult(new FetchOutput([$"{input.Source}:a1", $"{input.Source}:b1", $"{input.Source}:b2", $"{input.Source}:c1"])));

        var processTypeA = Processor("a");
        var processTypeB = Processor("b");
        var processTypeC = Processor("c");

        var aggregateNode = Node.Create<AggregateInput, AggregateOutput>("aggregate", (AggregateInput input, NodeContext context) =>
                Task.FromResult(new AggregateOutput(input.Results.Sum(r => r.Count))))
            .WithInput(state => new AggregateInput([
                state.Get<ProcessOutput>("process-type-a"),
                state.Get<ProcessOutput>("process-type-b"),
                state.Get<ProcessOutput>("process-type-c"),
            ]));

        return Flow.Create("parallel-pipeline")
            .TriggeredBy(Trigger.Manual("api"))
            .Then(fetchNode)
            .ThenParallel("process-all",
                processTypeA,
                processTypeB,
                processTypeC)
            .Then(aggregateNode)
            .Build();
    }

    private static Node<ProcessInput, ProcessOutput> Processor(string type) =>
        Node.Create<ProcessInput, ProcessOutput>($"process-type-{type}", (ProcessInput input, NodeContext context) =>
                Task.FromResult(new ProcessOutput(type, input.Items.Count(i => i.Split(':')[1].StartsWith(type, StringComparison.Ordinal)))))
            .WithInput(state => new ProcessInput(state.Get<FetchOutput>("fetch").Items));
}

/// <summary>"Fan-Out Pattern": hourly fetch, orders/returns/refunds processed in parallel, report.</summary>
internal static class FanOutExample
{
    internal enum ItemKind
    {
        Order,
        Return,
        Refund,
    }

    internal sealed record Item(string Id, ItemKind Kind, decimal Amount);

    internal sealed record FetchInput(string Ledger);

    internal sealed record FetchOutput(IReadOnlyList<Item> Items);

    internal sealed record ProcessInput(IReadOnlyList<Item> Items);

    internal sealed record ProcessOutput(int Processed, decimal Total);

    internal sealed record ReportInput(ProcessOutput Orders, ProcessOutput Returns, ProcessOutput Refunds);

    internal sealed record ReportOutput(string Summary);

    public static Flow Build()
    {
        // Fetch items first
        var fetchNode = Node.Create<FetchInput, FetchOutput>("fetch", FetchItems, new FetchInput("main-ledger"))
            .As("items");

        // Process each type in parallel
        var processOrders = Node.Create<ProcessInput, ProcessOutput>("process-orders", Process, new ProcessInput([]))
            .WithInput(state =>
            {
                var items = state.Get<FetchOutput>("items");
                return new ProcessInput(Filter(items.Items, ItemKind.Order));
            });

        var processReturns = Node.Create<ProcessInput, ProcessOutput>("process-returns", Process, new ProcessInput([]))
            .WithInput(state =>
            {
                var items = state.Get<FetchOutput>("items");
                return new ProcessInput(Filter(items.Items, ItemKind.Return));
            });

        var processRefunds = Node.Create<ProcessInput, ProcessOutput>("process-refunds", Process, new ProcessInput([]))
            .WithInput(state =>
            {
                var items = state.Get<FetchOutput>("items");
                return new ProcessInput(Filter(items.Items, ItemKind.Refund));
            });

        var reportNode = Node.Create<ReportInput, ReportOutput>("report", (ReportInput input, NodeContext context) =>
                Task.FromResult(new ReportOutput($"orders={input.Orders.Processed}/{input.Orders.Total} returns={input.Returns.Processed}/{input.Returns.Total} refunds={input.Refunds.Processed}/{input.Refunds.Total}")))
            .WithInput(state => new ReportInput(
                state.Get<ProcessOutput>("process-orders"),
                state.Get<ProcessOutput>("process-returns"),
                state.Get<ProcessOutput>("process-refunds")));

        // Build flow
        return Flow.Create("process-transactions")
            .TriggeredBy(Trigger.Schedule("0 * * * *"))
            .Then(fetchNode)
            .ThenParallel("process-types",
                processOrders,
                processReturns,
                processRefunds)
            .Then(reportNode)
            .Build();
    }

    private static Task<FetchOutput> FetchItems(FetchInput input, NodeContext context) => Task.FromResult(new FetchOutput(
    [
        new Item("o-1", ItemKind.Order, 10.50m),
        new Item("r-1", ItemKind.Return, 3.25m),
        new Item("o-2", ItemKind.Order, 4.50m),
        new Item("f-1", ItemKind.Refund, 1.10m),
    ]));

    private static Task<ProcessOutput> Process(ProcessInput input, NodeContext context) =>
        Task.FromResult(new ProcessOutput(input.Items.Count, input.Items.Sum(i => i.Amount)));

    private static List<Item> Filter(IReadOnlyList<Item> items, ItemKind kind) => items.Where(i => i.Kind == kind).ToList();
}

/// <summary>"Collecting Results": three enrichments stored under As keys, read together by the aggregate node.</summary>
internal static class CollectingResultsExample
{
    internal sealed record FetchInput(string Project);

    internal sealed record FetchOutput(IReadOnlyList<string> IssueIds);

    internal sealed record EnrichInput(IReadOnlyList<string> IssueIds);

    internal sealed record JiraOutput(int Tickets);

    internal sealed record SlackOutput(int Threads);

    internal sealed record GithubOutput(int PullRequests);

    internal sealed record AggregateInput(JiraOutput? JiraData, SlackOutput? SlackData, GithubOutput? GithubData);

    internal sealed record AggregateOutput(string Summary);

    public static Flow Build()
    {
        var input = new EnrichInput(["ISSUE-1", "ISSUE-2"]);
        var fetchNode = Node.Create<FetchInput, FetchOutput>("fetch", (FetchInput i, NodeContext context) => Task.FromResult(new FetchOutput(["ISSUE-1"])), new FetchInput("core"));

        // Parallel nodes store their outputs
        var enrichFromJira = Node.Create<EnrichInput, JiraOutput>("enrich-jira", (EnrichInput i, NodeContext context) => Task.FromResult(new JiraOutput(i.IssueIds.Count * 3)), input).As("jira");
        var enrichFromSlack = Node.Create<EnrichInput, SlackOutput>("enrich-slack", (EnrichInput i, NodeContext context) => Task.FromResult(new SlackOutput(i.IssueIds.Count * 5)), input).As("slack");
        var enrichFromGithub = Node.Create<EnrichInput, GithubOutput>("enrich-github", (EnrichInput i, NodeContext context) => Task.FromResult(new GithubOutput(i.IssueIds.Count * 7)), input).As("github");

        // Aggregate node collects all results
        var aggregateNode = Node.Create<AggregateInput, AggregateOutput>("aggregate", Aggregate, new AggregateInput(null, null, null))
            .WithInput(state => new AggregateInput(
                JiraData: state.Get<JiraOutput>("jira"),
                SlackData: state.Get<SlackOutput>("slack"),
                GithubData: state.Get<GithubOutput>("github")));

        return Flow.Create("enrich-data")
            .TriggeredBy(Trigger.Manual("api"))
            .Then(fetchNode)
            .ThenParallel("enrich",
                enrichFromJira,
                enrichFromSlack,
                enrichFromGithub)
            .Then(aggregateNode)
            .Build();
    }

    private static Task<AggregateOutput> Aggregate(AggregateInput input, NodeContext context) =>
        Task.FromResult(new AggregateOutput($"jira={input.JiraData?.Tickets} slack={input.SlackData?.Threads} github={input.GithubData?.PullRequests}"));
}

/// <summary>"Error Handling in Parallel Steps": every parallel node has its own compensation.</summary>
internal static class ErrorHandlingExample
{
    internal sealed record OrderInput(string OrderId, decimal Amount);

    internal sealed record Created(string Id);

    internal sealed record Undone(string Id);

    internal sealed record Notified(string Message);

    public static Flow Build()
    {
        var cancelOrderNode = Undo("cancel-order", "create-order");
        var voidInvoiceNode = Undo("void-invoice", "create-invoice");
        var cancelShipmentNode = Undo("cancel-shipment", "create-shipment");

        // Each parallel node can have its own compensation
        var createOrder = Create("create-order", "ord")
            .OnError(cancelOrderNode);

        var createInvoice = Create("create-invoice", "inv")
            .OnError(voidInvoiceNode);

        var createShipment = Create("create-shipment", "shp")
            .OnError(cancelShipmentNode);

        var notifyCustomerNode = Node.Create<string, Notified>("notify-customer", (string orderId, NodeContext context) => Task.FromResult(new Notified($"order {orderId} is on its way")))
            .WithInput(state => state.Get<Created>("create-order").Id);

        return Flow.Create("fulfill-order")
            .TriggeredBy(Trigger.Manual("api"))
            .ThenParallel("create-all",
                createOrder,
                createInvoice,
                createShipment)
            .Then(notifyCustomerNode)
            .Build();
    }

    private static Node<OrderInput, Created> Create(string name, string prefix) =>
        Node.Create<OrderInput, Created>(name, (OrderInput input, NodeContext context) => Task.FromResult(new Created($"{prefix}-{input.OrderId}")));

    // A compensation reads the output of the node it undoes.
    private static Node<Created, Undone> Undo(string name, string undoes) =>
        Node.Create<Created, Undone>(name, (Created created, NodeContext context) => Task.FromResult(new Undone(created.Id)))
            .WithInput(state => state.Get<Created>(undoes));
}

/// <summary>"Complete Example": the multi-source data enrichment pipeline, every 4 hours.</summary>
internal static class EnrichIssuesExample
{
    internal sealed record JiraData(string Status);

    internal sealed record SlackData(int Mentions);

    internal sealed record PRData(int OpenPullRequests);

    internal sealed record Issue(string Id, string Title, string Description, JiraData? JiraData, SlackData? SlackData, PRData? PRData);

    internal sealed record FetchInput(string Query);

    internal sealed record FetchOutput(IReadOnlyList<Issue> Issues);

    internal sealed record EnrichInput(IReadOnlyList<string> IssueIds);

    internal sealed record JiraEnrichOutput(Dictionary<string, JiraData> Data);

    internal sealed record SlackEnrichOutput(Dictionary<string, SlackData> Data);

    internal sealed record PREnrichOutput(Dictionary<string, PRData> Data);

    internal sealed record MergeInput(IReadOnlyList<Issue> Issues, Dictionary<string, JiraData> Jira, Dictionary<string, SlackData> Slack, Dictionary<string, PRData> PRs);

    internal sealed record MergeOutput(IReadOnlyList<Issue> EnrichedIssues);

    internal sealed record StoreInput(IReadOnlyList<Issue> Issues);

    internal sealed record StoreOutput(int Stored);

    public static Flow Build()
    {
        // Fetch issues to enrich
        var fetchNode = Node.Create<FetchInput, FetchOutput>("fetch-issues", FetchIssues, new FetchInput("status = open"))
            .As("issues");

        // Enrich from multiple sources in parallel
        var enrichJira = Node.Create<EnrichInput, JiraEnrichOutput>("enrich-jira", EnrichFromJira, new EnrichInput([]))
            .WithInput(state =>
            {
                var issues = state.Get<FetchOutput>("issues");
                return new EnrichInput(ExtractIds(issues.Issues));
            })
            .WithTimeout(TimeSpan.FromMinutes(2))
            .WithRateLimit(50, TimeSpan.FromMinutes(1)) // Jira rate limit
            .As("jira-data");

        var enrichSlack = Node.Create<EnrichInput, SlackEnrichOutput>("enrich-slack", EnrichFromSlack, new EnrichInput([]))
            .WithInput(state =>
            {
                var issues = state.Get<FetchOutput>("issues");
                return new EnrichInput(ExtractIds(issues.Issues));
            })
            .WithTimeout(TimeSpan.FromMinutes(2))
            .As("slack-data");

        var enrichPRs = Node.Create<EnrichInput, PREnrichOutput>("enrich-prs", EnrichFromGithub, new EnrichInput([]))
            .WithInput(state =>
            {
                var issues = state.Get<FetchOutput>("issues");
                return new EnrichInput(ExtractIds(issues.Issues));
            })
            .WithTimeout(TimeSpan.FromMinutes(3))
            .WithRateLimit(1000, TimeSpan.FromHours(1)) // GitHub rate limit
            .As("pr-data");

        // Merge all enrichment data
        var mergeNode = Node.Create<MergeInput, MergeOutput>("merge-data", MergeEnrichments, new MergeInput([], [], [], []))
            .WithInput(state => new MergeInput(
                Issues: state.Get<FetchOutput>("issues").Issues,
                Jira: state.Get<JiraEnrichOutput>("jira-data").Data,
                Slack: state.Get<SlackEnrichOutput>("slack-data").Data,
                PRs: state.Get<PREnrichOutput>("pr-data").Data));

        // Store enriched data
        var storeNode = Node.Create<StoreInput, StoreOutput>("store-enriched", StoreIssues, new StoreInput([]))
            .WithInput(state =>
            {
                var merged = state.Get<MergeOutput>("merge-data");
                return new StoreInput(merged.EnrichedIssues);
            });

        // Build flow
        return Flow.Create("enrich-issues")
            .TriggeredBy(Trigger.Schedule("0 */4 * * *")) // Every 4 hours
            .Then(fetchNode)
            .ThenParallel("enrich-sources",
                enrichJira,
                enrichSlack,
                enrichPRs)
            .Then(mergeNode)
            .Then(storeNode)
            .Build();
    }

    private static List<string> ExtractIds(IReadOnlyList<Issue> issues) => issues.Select(i => i.Id).ToList();

    private static Task<FetchOutput> FetchIssues(FetchInput input, NodeContext context) => Task.FromResult(new FetchOutput(
    [
        new Issue("ISS-1", "Login fails", "500 on submit", null, null, null),
        new Issue("ISS-2", "Slow search", "p99 over 2s", null, null, null),
    ]));

    private static Task<JiraEnrichOutput> EnrichFromJira(EnrichInput input, NodeContext context) =>
        Task.FromResult(new JiraEnrichOutput(input.IssueIds.ToDictionary(id => id, id => new JiraData($"open:{id}"))));

    private static Task<SlackEnrichOutput> EnrichFromSlack(EnrichInput input, NodeContext context) =>
        Task.FromResult(new SlackEnrichOutput(input.IssueIds.ToDictionary(id => id, id => new SlackData(id.Length))));

    private static Task<PREnrichOutput> EnrichFromGithub(EnrichInput input, NodeContext context) =>
        Task.FromResult(new PREnrichOutput(input.IssueIds.ToDictionary(id => id, id => new PRData(id.EndsWith('1') ? 1 : 2))));

    private static Task<MergeOutput> MergeEnrichments(MergeInput input, NodeContext context) =>
        Task.FromResult(new MergeOutput(input.Issues
            .Select(i => i with { JiraData = input.Jira[i.Id], SlackData = input.Slack[i.Id], PRData = input.PRs[i.Id] })
            .ToList()));

    private static Task<StoreOutput> StoreIssues(StoreInput input, NodeContext context) =>
        Task.FromResult(new StoreOutput(input.Issues.Count(i => i.JiraData is not null && i.SlackData is not null && i.PRData is not null)));
}

/// <summary>"Parallel Within Conditionals": rush orders fan out, standard orders run one node.</summary>
internal static class ConditionalParallelExample
{
    internal sealed record OrderInput(string OrderId, bool Rush);

    internal sealed record CheckOutput(bool IsRush);

    internal sealed record Done(string Step);

    public static Flow Build()
    {
        var checkOrderType = Node.Create<OrderInput, CheckOutput>("check-order-type", (OrderInput order, NodeContext context) => Task.FromResult(new CheckOutput(order.Rush)))
            .As("check");
        var expediteShipping = Step("expedite-shipping");
        var notifyWarehouse = Step("notify-warehouse");
        var alertCustomerService = Step("alert-customer-service");
        var standardProcessing = Step("standard-processing");
        var completeOrder = Step("complete-order");

        return Flow.Create("conditional-parallel")
            .TriggeredBy(Trigger.Manual("api"))
            .Then(checkOrderType)
            .When(s => s.Get<CheckOutput>("check").IsRush)
                .ThenParallel("rush-processing",
                    expediteShipping,
                    notifyWarehouse,
                    alertCustomerService)
            .Else()
                .Then(standardProcessing)
            .EndWhen()
            .Then(completeOrder)
            .Build();
    }

    private static Node<OrderInput, Done> Step(string name) =>
        Node.Create<OrderInput, Done>(name, (order, context) => Task.FromResult(new Done($"{context.NodeName}:{order.OrderId}")));
}

/// <summary>"Configuration Options": each parallel node with its own timeout and retry policy.</summary>
internal static class PerNodeConfigurationExample
{
    internal sealed record ApiInput(string Endpoint);

    internal sealed record ApiOutput(int Status);

    public static Flow Build()
    {
        var input = new ApiInput("https://api.example.test");
        return Flow.Create("multi-api")
            .TriggeredBy(Trigger.Manual("api"))
            .ThenParallel("multi-api-calls",
                // Each node has its own timeout and retry policy
                Node.Create<ApiInput, ApiOutput>("fast-api", CallApi, input)
                    .WithTimeout(TimeSpan.FromSeconds(30))
                    .WithRetry(new RetryPolicy { MaximumAttempts = 5 }),
                Node.Create<ApiInput, ApiOutput>("slow-api", CallApi, input)
                    .WithTimeout(TimeSpan.FromMinutes(5))
                    .WithRetry(new RetryPolicy { MaximumAttempts = 3 }),
                Node.Create<ApiInput, ApiOutput>("flaky-api", CallApi, input)
                    .WithTimeout(TimeSpan.FromMinutes(1))
                    .WithRetry(new RetryPolicy
                    {
                        InitialInterval = TimeSpan.FromSeconds(1),
                        BackoffCoefficient = 2.0,
                        MaximumAttempts = 10,
                    }))
            .Build();
    }

    private static Task<ApiOutput> CallApi(ApiInput input, CancellationToken cancellationToken) => Task.FromResult(new ApiOutput(200));
}

/// <summary>"Use Shared Rate Limiters": three nodes drawing from one limiter.</summary>
internal static class SharedRateLimiterExample
{
    internal sealed record CallInput(int Page);

    internal sealed record CallOutput(int Page);

    public static Flow Build()
    {
        // Create shared limiter for API
        var apiLimiter = RateLimiter.Shared("external-api", 100, TimeSpan.FromMinutes(1));

        var node1 = Node.Create<CallInput, CallOutput>("call-1", CallApi, new CallInput(1)).WithSharedRateLimit(apiLimiter);
        var node2 = Node.Create<CallInput, CallOutput>("call-2", CallApi, new CallInput(2)).WithSharedRateLimit(apiLimiter);
        var node3 = Node.Create<CallInput, CallOutput>("call-3", CallApi, new CallInput(3)).WithSharedRateLimit(apiLimiter);

        return Flow.Create("shared-limits")
            .TriggeredBy(Trigger.Manual("api"))
            .ThenParallel("api-calls", node1, node2, node3)
            .Build();
    }

    private static Task<CallOutput> CallApi(CallInput input, CancellationToken cancellationToken) => Task.FromResult(new CallOutput(input.Page));
}
