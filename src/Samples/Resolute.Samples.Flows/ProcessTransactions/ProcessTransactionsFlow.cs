// Sample "process-transactions" — the seed's Fan-Out Pattern, scheduled hourly ("0 * * * *"): fetch (a static input,
// output stored As "items"), then process-orders, process-returns and process-refunds in parallel, each given only its
// kind by a WithInput filter, then report. The console starts one run by hand and prints the schedule's next fire times.
//   dotnet run --project src/Samples/Resolute.Samples -- process-transactions
namespace Resolute.Samples.ProcessTransactions;

/// <summary>Static input of <c>fetch</c> (seed: <c>FetchInput{}</c>).</summary>
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
/// The seed's fan-out pattern. With the fixed query of 9 transactions: orders 1,4,7 (60), returns 2,5,8 (75), refunds
/// 3,6,9 (90).
/// </summary>
public static class ProcessTransactionsFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "process-transactions";

    /// <summary>The schedule: at minute 0 of every hour (UTC).</summary>
    public const string Cron = "0 * * * *";

    /// <summary>The static input of <c>fetch</c>.</summary>
    public static TransactionsQuery Query { get; } = new(9);

    /// <summary>The nodes, in plan order.</summary>
    public static IReadOnlyList<string> NodeNames { get; } = ["fetch", "process-orders", "process-returns", "process-refunds", "report"];

    /// <summary>Builds the flow; <paramref name="work"/> sets the simulated latencies and output (default: as written, silent).</summary>
    public static Flow Build(SimulatedWork? work = null)
    {
        work ??= new SimulatedWork();
        var fetch = Node.Create<TransactionsQuery, TransactionItems>("fetch", (query, ctx) => work.RunAsync(ctx, 300, () => Fetch(query)), Query).As("items");
        var report = Node.Create<TransactionsReportInput, TransactionsReport>("report", (input, ctx) => work.RunAsync(ctx, 150, () =>
                new TransactionsReport(input.Orders.Total, input.Returns.Total, input.Refunds.Total, input.Orders.Total - input.Returns.Total - input.Refunds.Total)))
            .WithInput(state => new TransactionsReportInput(
                state.Get<ProcessedTransactions>("process-orders"),
                state.Get<ProcessedTransactions>("process-returns"),
                state.Get<ProcessedTransactions>("process-refunds")));

        return Flow.Create(Name)
            .TriggeredBy(Trigger.Schedule(Cron))
            .Then(fetch)
            .ThenParallel("process-types",
                Process(work, "process-orders", "order", 700),
                Process(work, "process-returns", "return", 400),
                Process(work, "process-refunds", "refund", 500))
            .Then(report)
            .Build();
    }

    private static Node<TransactionBatch, ProcessedTransactions> Process(SimulatedWork work, string name, string kind, int latencyMs) =>
        Node.Create<TransactionBatch, ProcessedTransactions>(name, (batch, ctx) => work.RunAsync(ctx, latencyMs, () => Process(kind, batch)))
            .WithInput(state => new TransactionBatch(state.Get<TransactionItems>("items").Items.Where(t => t.Kind == kind).ToList()));

    private static TransactionItems Fetch(TransactionsQuery query)
    {
        var kinds = new[] { "order", "return", "refund" };
        return new TransactionItems(Enumerable.Range(1, query.Count).Select(i => new Transaction($"tx-{i}", kinds[(i - 1) % 3], 5 * i)).ToList());
    }

    private static ProcessedTransactions Process(string kind, TransactionBatch batch)
    {
        var strangers = batch.Items.Where(t => t.Kind != kind).Select(t => t.Id).ToList();
        if (strangers.Count > 0)
        {
            throw new InvalidOperationException($"The {kind} processor received other kinds: {string.Join(", ", strangers)}.");
        }

        return new ProcessedTransactions(kind, batch.Items.Select(t => t.Id).ToList(), batch.Items.Sum(t => t.Amount));
    }
}
