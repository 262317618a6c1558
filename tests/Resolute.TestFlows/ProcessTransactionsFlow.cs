namespace Resolute.TestFlows;

/// <summary>Static input of <c>fetch</c> in <see cref="ProcessTransactionsFlow"/> (seed: <c>FetchInput{}</c>).</summary>
public sealed record TransactionsQuery(int Count);

/// <summary>One transaction: number <c>i</c> (from 1) is an order, return, refund, order... of amount <c>5 * i</c>.</summary>
public sealed record Transaction(string Id, string Kind, int Amount);

/// <summary>Output of <c>fetch</c>, stored under <c>items</c>.</summary>
public sealed record TransactionItems(IReadOnlyList<Transaction> Items);

/// <summary>Input of a <c>process-*</c> node: the transactions its filter kept.</summary>
public sealed record TransactionBatch(IReadOnlyList<Transaction> Items);

/// <summary>Output of a <c>process-*</c> node.</summary>
public sealed record ProcessedTransactions(string Kind, IReadOnlyList<string> Ids, int Total);

/// <summary>Input of <c>report</c>.</summary>
public sealed record TransactionsReportInput(ProcessedTransactions Orders, ProcessedTransactions Returns, ProcessedTransactions Refunds);

/// <summary>Output of <c>report</c>: net = orders − returns − refunds.</summary>
public sealed record TransactionsReport(int Orders, int Returns, int Refunds, int Net);

/// <summary>
/// The seed's fan-out pattern: <c>fetch</c> (static input, output <c>As("items")</c>), then <c>process-orders</c>,
/// <c>process-returns</c>, <c>process-refunds</c> in parallel, each given only its kind by a <c>WithInput</c> filter,
/// then <c>report</c>. With the fixed query of 9 transactions: orders 1,4,7 (60), returns 2,5,8 (75), refunds 3,6,9 (90).
/// </summary>
public static class ProcessTransactionsFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "process-transactions";

    /// <summary>The static input of <c>fetch</c>.</summary>
    public static TransactionsQuery Query { get; } = new(9);

    /// <summary>The definition.</summary>
    public static Flow Definition { get; } = Build();

    private static Flow Build()
    {
        var fetch = Node.Create<TransactionsQuery, TransactionItems>("fetch", FetchAsync, Query).As("items");
        var report = Node.Create<TransactionsReportInput, TransactionsReport>("report", ReportAsync)
            .WithInput(state => new TransactionsReportInput(
                state.Get<ProcessedTransactions>("process-orders"),
                state.Get<ProcessedTransactions>("process-returns"),
                state.Get<ProcessedTransactions>("process-refunds")));

        return Flow.Create(Name)
            .TriggeredBy(Trigger.Schedule("0 * * * *"))
            .Then(fetch)
            .ThenParallel("process-types", Process("process-orders", "order"), Process("process-returns", "return"), Process("process-refunds", "refund"))
            .Then(report)
            .Build();
    }

    private static Node<TransactionBatch, ProcessedTransactions> Process(string name, string kind) =>
        Node.Create<TransactionBatch, ProcessedTransactions>(name, (TransactionBatch batch, NodeContext context) => ProcessAsync(kind, batch))
            .WithInput(state => new TransactionBatch(state.Get<TransactionItems>("items").Items.Where(t => t.Kind == kind).ToList()));

    private static Task<TransactionItems> FetchAsync(TransactionsQuery query, NodeContext context)
    {
        var kinds = new[] { "order", "return", "refund" };
        var items = Enumerable.Range(1, query.Count).Select(i => new Transaction($"tx-{i}", kinds[(i - 1) % 3], 5 * i)).ToList();
        return Task.FromResult(new TransactionItems(items));
    }

    private static Task<ProcessedTransactions> ProcessAsync(string kind, TransactionBatch batch)
    {
        var strangers = batch.Items.Where(t => t.Kind != kind).Select(t => t.Id).ToList();
        if (strangers.Count > 0)
        {
            throw new InvalidOperationException($"The {kind} processor received other kinds: {string.Join(", ", strangers)}.");
        }

        return Task.FromResult(new ProcessedTransactions(kind, batch.Items.Select(t => t.Id).ToList(), batch.Items.Sum(t => t.Amount)));
    }

    private static Task<TransactionsReport> ReportAsync(TransactionsReportInput input, NodeContext context) =>
        Task.FromResult(new TransactionsReport(input.Orders.Total, input.Returns.Total, input.Refunds.Total,
            input.Orders.Total - input.Returns.Total - input.Refunds.Total));
}
