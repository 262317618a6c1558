namespace Resolute.TestFlows;

/// <summary>Run input of <see cref="ConditionalParallelFlow"/>: priority <c>rush</c> takes the rush branch.</summary>
public sealed record OrderTypeRequest(string OrderId, string Priority);

/// <summary>Output of <c>check-order-type</c>, stored under <c>check</c>.</summary>
public sealed record CheckOutput(string OrderId, bool IsRush);

/// <summary>Output of each node of either branch: <c>{action}:{order id}</c>.</summary>
public sealed record OrderAction(string Action);

/// <summary>Input of <c>complete-order</c>: the branch taken and the actions done, in node order.</summary>
public sealed record CompletionInput(string OrderId, string Branch, IReadOnlyList<string> Actions);

/// <summary>Output of <c>complete-order</c>: <c>{order id} completed via {branch}: {actions joined by ', '}</c>.</summary>
public sealed record OrderCompletion(string Summary);

/// <summary>
/// The seed's "Parallel Within Conditionals": <c>check-order-type</c> (key <c>check</c>); when <c>IsRush</c>, the
/// parallel step <c>rush-processing</c> (<c>expedite-shipping</c>, <c>notify-warehouse</c>,
/// <c>alert-customer-service</c>), else <c>standard-processing</c>; then <c>complete-order</c>.
/// </summary>
public static class ConditionalParallelFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "conditional-parallel";

    /// <summary>The nodes of the rush branch.</summary>
    public static IReadOnlyList<string> RushNodes { get; } = ["expedite-shipping", "notify-warehouse", "alert-customer-service"];

    /// <summary>The node of the else branch.</summary>
    public const string StandardNode = "standard-processing";

    /// <summary>The definition.</summary>
    public static Flow Definition { get; } = Build();

    private static Flow Build()
    {
        var checkOrderType = Node.Create<OrderTypeRequest, CheckOutput>("check-order-type", CheckAsync).As("check");
        var completeOrder = Node.Create<CompletionInput, OrderCompletion>("complete-order", CompleteAsync)
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
                .ThenParallel("rush-processing", Action(RushNodes[0], "expedited"), Action(RushNodes[1], "warehouse-notified"), Action(RushNodes[2], "cs-alerted"))
            .Else()
                .Then(Action(StandardNode, "standard"))
            .EndWhen()
            .Then(completeOrder)
            .Build();
    }

    private static Node<CheckOutput, OrderAction> Action(string name, string action) =>
        Node.Create<CheckOutput, OrderAction>(name, (CheckOutput check, NodeContext context) => Task.FromResult(new OrderAction($"{action}:{check.OrderId}")))
            .WithInput(state => state.Get<CheckOutput>("check"));

    private static Task<CheckOutput> CheckAsync(OrderTypeRequest request, NodeContext context) =>
        Task.FromResult(new CheckOutput(request.OrderId, string.Equals(request.Priority, "rush", StringComparison.Ordinal)));

    private static Task<OrderCompletion> CompleteAsync(CompletionInput input, NodeContext context) =>
        Task.FromResult(new OrderCompletion($"{input.OrderId} completed via {input.Branch}: {string.Join(", ", input.Actions)}"));
}
