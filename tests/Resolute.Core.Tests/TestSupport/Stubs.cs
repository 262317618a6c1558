namespace Resolute.Tests.TestSupport;

/// <summary>Small node and context factories so tests say only what matters to them.</summary>
internal static class Stubs
{
    /// <summary>A fixed run id so idempotency keys and contexts are predictable.</summary>
    public static readonly Guid RunId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    /// <summary>A node that echoes its string input (or its own name when the input is null).</summary>
    public static Node<string, string> Text(string name) =>
        Node.Create<string, string>(name, (string input, NodeContext _) => Task.FromResult(input ?? name));

    /// <summary>A node that returns <paramref name="output"/> whatever its input.</summary>
    public static Node<TIn, TOut> Returning<TIn, TOut>(string name, TOut output) =>
        Node.Create<TIn, TOut>(name, (TIn _, NodeContext _) => Task.FromResult(output));

    /// <summary>A context for running a node by hand.</summary>
    public static NodeContext Context(string nodeName = "node", int attempt = 1, CancellationToken cancellationToken = default) =>
        new(RunId, "test-flow", nodeName, attempt, NodeContext.CreateIdempotencyKey(RunId, nodeName), cancellationToken);

    /// <summary>The problems a build reports; fails the test when the build succeeds.</summary>
    public static IReadOnlyList<string> ProblemsOf(FlowBuilder builder)
    {
        var error = Assert.Throws<FlowDefinitionException>(() => builder.Build());
        return error.Problems;
    }

    /// <summary>The single problem a build reports; fails the test when there are none or several.</summary>
    public static string SingleProblemOf(FlowBuilder builder)
    {
        var problems = ProblemsOf(builder);
        return Assert.Single(problems);
    }

    /// <summary>A flow builder with a name and a manual trigger, ready for steps.</summary>
    public static FlowBuilder ManualFlow(string name = "test-flow") => Flow.Create(name).TriggeredBy(Trigger.Manual("api"));
}
