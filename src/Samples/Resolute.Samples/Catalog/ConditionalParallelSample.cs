using Resolute.Contracts;
using Resolute.Samples.ConditionalParallel;

namespace Resolute.Samples;

internal sealed class ConditionalParallelSample : ISample
{
    public string Name => ConditionalParallelFlow.Name;

    public string Summary => "a rush order fans out to three nodes, a standard order takes one (one run of each by default)";

    public IReadOnlyList<SampleOption> Options { get; } = [new("priority", "rush|standard", "run only an order of this priority")];

    public Flow Build(SimulatedWork work, SampleArguments args)
    {
        _ = Priorities(args);
        return ConditionalParallelFlow.Build(work);
    }

    public async Task<SampleVerdict> RunAsync(SampleSession session, SampleArguments args, CancellationToken cancellationToken)
    {
        var priorities = Priorities(args);
        var allRight = true;
        foreach (var priority in priorities)
        {
            var orderId = priority == "rush" ? "R1" : "S1";
            var run = await session.RunAsync(Name, new OrderTypeRequest(orderId, priority), $"for a {priority} order {orderId}", cancellationToken);
            var ran = run.History.Select(e => e.NodeName).ToHashSet(StringComparer.Ordinal);
            var expectedNodes = priority == "rush" ? ConditionalParallelFlow.RushNodes : [ConditionalParallelFlow.StandardNode];
            var otherNodes = priority == "rush" ? [ConditionalParallelFlow.StandardNode] : ConditionalParallelFlow.RushNodes;
            var right = run.Status == RunStatus.Completed && expectedNodes.All(ran.Contains) && !otherNodes.Any(ran.Contains);
            allRight &= right;
            if (run.Status == RunStatus.Completed)
            {
                session.Line($"  complete-order: {run.State.Get<OrderCompletion>("complete-order").Summary}");
            }

            session.Line($"  branch nodes that ran: {string.Join(", ", run.History.Select(e => e.NodeName).Where(n => expectedNodes.Contains(n) || otherNodes.Contains(n)))}");
            session.Line();
        }

        return SampleVerdict.Expect(allRight, "each order completed through its branch: rush in parallel, standard alone");
    }

    private static string[] Priorities(SampleArguments args) => args.Text("priority") switch
    {
        null => ["rush", "standard"],
        "rush" => ["rush"],
        "standard" => ["standard"],
        var other => throw new SampleUsageException($"--priority must be rush or standard; got '{other}'."),
    };
}
