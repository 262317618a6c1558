namespace Resolute.TestFlows;

/// <summary>Run input of <see cref="ChainFlow"/>: the first node's value and how long every node sleeps.</summary>
public sealed record ChainRequest(long Seed, int SleepMs);

/// <summary>Output of <c>step-NN</c> (and input of the next one): <c>Value</c> = the previous value + <c>Index</c>.</summary>
public sealed record ChainValue(int Index, long Value, int SleepMs);

/// <summary>Run input of <see cref="PairFlow"/>: <c>first</c> doubles <c>Value</c>, <c>second</c> sleeps <c>SecondSleepMs</c> and adds one.</summary>
public sealed record PairRequest(int Value, int SecondSleepMs);

/// <summary>Output of the nodes of <see cref="PairFlow"/>.</summary>
public sealed record PairValue(int Value, int SecondSleepMs);

/// <summary>Flows of the durability scenarios (crashes and restarts of every part).</summary>
/// <remarks>
/// Every node of these flows first records its execution in <see cref="ExecutionLedger"/> (a table of the cluster's
/// PostgreSQL database, written by the worker process with plain Npgsql), so a scenario counts executions per
/// idempotency key across processes, including executions of a worker that was killed before it replied.
/// </remarks>
public static class DurabilityFlows
{
    /// <summary>Every durability flow; registered by <see cref="TestFlowCatalog"/>.</summary>
    public static IReadOnlyList<Flow> All { get; } = [ChainFlow.Definition, PairFlow.Definition];
}

/// <summary>
/// Ten sequential nodes <c>step-01</c> … <c>step-10</c>; <c>step-k</c> sleeps <c>SleepMs</c> and outputs the previous
/// value plus k, so <c>step-k</c>'s value is <c>Seed + k(k+1)/2</c>: a lost, doubled or mixed-up output shows.
/// </summary>
public static class ChainFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "durable-chain";

    /// <summary>How many nodes.</summary>
    public const int Length = 10;

    /// <summary>The nodes' names, in order.</summary>
    public static IReadOnlyList<string> NodeNames { get; } = Enumerable.Range(1, Length).Select(NodeName).ToList();

    /// <summary>The definition.</summary>
    public static Flow Definition { get; } = Build();

    /// <summary>The value <c>step-<paramref name="index"/></c> must output for <paramref name="seed"/>.</summary>
    public static long ExpectedValue(long seed, int index) => seed + (long)index * (index + 1) / 2;

    /// <summary>The name of the <paramref name="index"/>-th node (from 1).</summary>
    public static string NodeName(int index) => $"step-{index:00}";

    private static Flow Build()
    {
        var builder = Flow.Create(Name).TriggeredBy(Trigger.Manual("api"));
        for (var i = 1; i <= Length; i++)
        {
            var index = i;
            var node = Node.Create<ChainValue, ChainValue>(NodeName(index), (ChainValue input, NodeContext context) => StepAsync(index, input, context));
            builder = builder.Then(index == 1
                ? node.WithInput(state => state.GetInput<ChainRequest>() is { } request
                    ? new ChainValue(0, request.Seed, request.SleepMs)
                    : throw new InvalidOperationException("durable-chain needs a ChainRequest input."))
                : node.WithInput(state => state.Get<ChainValue>(NodeName(index - 1))));
        }

        return builder.Build();
    }

    private static async Task<ChainValue> StepAsync(int index, ChainValue input, NodeContext context)
    {
        await ExecutionLedger.RecordAsync(context).ConfigureAwait(false);
        if (input.SleepMs > 0)
        {
            await Task.Delay(input.SleepMs, context.CancellationToken).ConfigureAwait(false);
        }

        return new ChainValue(index, input.Value + index, input.SleepMs);
    }
}

/// <summary><c>first</c> doubles the input value; <c>second</c> sleeps <c>SecondSleepMs</c> and adds one.</summary>
public static class PairFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "durable-pair";

    /// <summary>The first node.</summary>
    public const string First = "first";

    /// <summary>The second node (the slow one, when asked).</summary>
    public const string Second = "second";

    /// <summary>The definition.</summary>
    public static Flow Definition { get; } = Flow.Create(Name)
        .TriggeredBy(Trigger.Manual("api"))
        .Then(Node.Create<PairRequest, PairValue>(First, async (PairRequest request, NodeContext context) =>
        {
            await ExecutionLedger.RecordAsync(context).ConfigureAwait(false);
            return new PairValue(request.Value * 2, request.SecondSleepMs);
        }))
        .Then(Node.Create<PairValue, PairValue>(Second, async (PairValue value, NodeContext context) =>
        {
            await ExecutionLedger.RecordAsync(context).ConfigureAwait(false);
            if (value.SecondSleepMs > 0)
            {
                await Task.Delay(value.SecondSleepMs, context.CancellationToken).ConfigureAwait(false);
            }

            return new PairValue(value.Value + 1, value.SecondSleepMs);
        }).WithInput(state => state.Get<PairValue>(First)))
        .Build();
}
