// Sample "conditional-parallel" — the seed's Parallel Within Conditionals: check-order-type (key "check"); a rush order
// runs expedite-shipping, notify-warehouse and alert-customer-service in parallel (step rush-processing), any other
// runs standard-processing; then complete-order. The console runs one order of each kind unless told one.
//   dotnet run --project src/Samples/Resolute.Samples -- conditional-parallel [--priority rush|standard]
namespace Resolute.Samples.ConditionalParallel;

/// <summary>Run input: priority <c>rush</c> takes the rush branch, anything else the standard one.</summary>
public sealed record OrderTypeRequest(string OrderId, string Priority);

/// <summary>Output of <c>check-order-type</c>, stored under <c>check</c>.</summary>
public sealed record CheckOutput(string OrderId, bool IsRush);

/// <summary>Output of each node of either branch: <c>{action}:{order id}</c>.</summary>
public sealed record OrderAction(string Action);

/// <summary>Input of <c>complete-order</c>: the branch taken and the actions done, in node order.</summary>
public sealed record CompletionInput(string OrderId, string Branch, IReadOnlyList<string> Actions);

/// <summary>Output of <c>complete-order</c>: <c>{order id} completed via {branch}: {actions joined by ', '}</c>.</summary>
public sealed record OrderCompletion(string Summary);

/// <summary>The seed's conditional with a parallel then-branch and a sequential else-branch.</summary>
public static class ConditionalParallelFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "conditional-parallel";

    /// <summary>The nodes of the rush branch.</summary>
    public static IReadOnlyList<string> RushNodes { get; } = ["expedite-shipping", "notify-warehouse", "alert-customer-service"];

    /// <summary>The node of the else branch.</summary>
    public const string StandardNode = "standard-processing";

    /// <summary>Builds the flow; <paramref name="work"/> sets the simulated latencies and output (default: as written, silent).</summary>
    public static Flow Build(SimulatedWork? work = null)
    {
        work ??= new SimulatedWork();
        var checkOrderType = Node.Create<OrderTypeRequest, CheckOutput>("check-order-type", (request, ctx) => work.RunAsync(ctx, 200, () =>
                new CheckOutput(request.OrderId, string.Equals(request.Priority, "rush", StringComparison.Ordinal))))
            .As("check");
        var completeOrder = Node.Create<CompletionInput, OrderCompletion>("complete-order", (input, ctx) => work.RunAsync(ctx, 150, () =>
                new OrderCompletion($"{input.OrderId} completed via {input.Branch}: {string.Join(", ", input.Actions)}")))
            .WithInput(state =>
            {
                var check = state.Get<CheckOutput>("check");
                var branch = state.Has(StandardNode) ? "standard" : "rush";
                var actions = (branch == "standard" ? [StandardNode] : RushNodes).Select(n => state.Get<OrderAction>(n).Action).ToList();
                return new CompletionInput(check.OrderId, branch, actions);
            });

        return Flow.Create(Name)
            .TriggeredBy(Trigger.Manual("api"))
            .Then(checkOrderType)
            .When(s => s.Get<CheckOutput>("check").IsRush)
                .ThenParallel("rush-processing",
                    Action(work, RushNodes[0], "expedited", 500),
                    Action(work, RushNodes[1], "warehouse-notified", 300),
                    Action(work, RushNodes[2], "cs-alerted", 400))
            .Else()
                .Then(Action(work, StandardNode, "standard", 600))
            .EndWhen()
            .Then(completeOrder)
            .Build();
    }

    private static Node<CheckOutput, OrderAction> Action(SimulatedWork work, string name, string action, int latencyMs) =>
        Node.Create<CheckOutput, OrderAction>(name, (check, ctx) => work.RunAsync(ctx, latencyMs, () => new OrderAction($"{action}:{check.OrderId}")))
            .WithInput(state => state.Get<CheckOutput>("check"));
}
