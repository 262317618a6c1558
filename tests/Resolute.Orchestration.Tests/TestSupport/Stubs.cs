namespace Resolute.Orchestration.Tests.TestSupport;

/// <summary>The payload most test nodes take and return.</summary>
/// <param name="Value">Any text; tests put ids and markers in it.</param>
internal sealed record Text(string Value);

/// <summary>A payload with a number, to show a run input of the wrong shape.</summary>
/// <param name="Count">A number.</param>
internal sealed record Numbers(int Count);

/// <summary>Node and flow factories. Node functions never run here: the decider only routes, tests reply by hand.</summary>
internal static class Stubs
{
    /// <summary>A <see cref="Text"/> → <see cref="Text"/> node whose input is the run input.</summary>
    public static Node<Text, Text> Node(string name) => Create<Text, Text>(name);

    /// <summary>A node of any types whose input is the run input.</summary>
    public static Node<TIn, TOut> Create<TIn, TOut>(string name) => Resolute.Node.Create<TIn, TOut>(name, NotRun<TIn, TOut>);

    /// <summary>A <see cref="Text"/> node with a static input.</summary>
    public static Node<Text, Text> Static(string name, Text input) => Resolute.Node.Create<Text, Text>(name, NotRun<Text, Text>, input);

    /// <summary>A flow builder with a name and a manual trigger, ready for steps.</summary>
    public static FlowBuilder ManualFlow(string name = "test-flow") => Flow.Create(name).TriggeredBy(Trigger.Manual("api"));

    /// <summary>A retry policy with short, round intervals.</summary>
    public static RetryPolicy Retry(int maximumAttempts, double coefficient = 2.0, int initialSeconds = 1, int maximumSeconds = 60) => new()
    {
        MaximumAttempts = maximumAttempts,
        BackoffCoefficient = coefficient,
        InitialInterval = TimeSpan.FromSeconds(initialSeconds),
        MaximumInterval = TimeSpan.FromSeconds(maximumSeconds),
    };

    private static Task<TOut> NotRun<TIn, TOut>(TIn input, NodeContext context) =>
        throw new InvalidOperationException($"Node '{context.NodeName}' was run; decider tests never run node functions.");
}
