namespace Resolute.Testing.Tests;

/// <summary>A text in, a text out: the payload of the small flows these tests build.</summary>
public sealed record Text(string Value);

/// <summary>Small nodes and flows for the tests.</summary>
internal static class TestNodes
{
    /// <summary>A node that appends its name to its input text (or to the run input when it is the first).</summary>
    public static Node<Text, Text> Append(string name) =>
        Node.Create<Text, Text>(name, (input, context) => Task.FromResult(new Text($"{input.Value}+{name}")));

    /// <summary>A node whose input is the output of <paramref name="previous"/>.</summary>
    public static Node<Text, Text> After(string name, string previous) =>
        Append(name).WithInput(state => state.Get<Text>(previous));

    /// <summary>A compensation node that undoes <paramref name="forNode"/>.</summary>
    public static Node<Text, Text> Undo(string forNode) =>
        Node.Create<Text, Text>($"undo-{forNode}", (input, context) => Task.FromResult(new Text($"undone {input.Value}")))
            .WithInput(state => state.Get<Text>(forNode));

    /// <summary>A retry policy with the given back-off and no jitter: 1 s, then ×2.</summary>
    public static RetryPolicy Retry(int attempts, double coefficient = 2.0, int initialSeconds = 1) => new()
    {
        MaximumAttempts = attempts,
        InitialInterval = TimeSpan.FromSeconds(initialSeconds),
        BackoffCoefficient = coefficient,
        MaximumInterval = TimeSpan.FromHours(1),
    };

    public static FlowBuilder Manual(string name) => Flow.Create(name).TriggeredBy(Trigger.Manual("test"));
}
