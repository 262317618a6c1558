using Resolute.Serialization;

namespace Resolute.Testing;

/// <summary>
/// What a test changed about the flow's nodes: functions run instead of a node's own, and failures injected on given
/// attempts. Checked against the flow when they are added, so a typo or a wrong type fails at the call that made it.
/// </summary>
internal sealed class NodeSubstitutions
{
    private readonly Flow _flow;
    private readonly Dictionary<string, Func<object?, NodeContext, Task<object?>>> _overrides = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<int, Exception>> _failuresOnAttempt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Exception> _failuresAlways = new(StringComparer.Ordinal);

    public NodeSubstitutions(Flow flow) => _flow = flow;

    /// <summary>Runs <paramref name="function"/> instead of node <paramref name="nodeName"/>'s own function.</summary>
    public void Override<TIn, TOut>(string nodeName, Func<TIn, NodeContext, Task<TOut>> function)
    {
        var node = Find(nodeName, nameof(FlowTester.Override));
        if (node.InputType != typeof(TIn) || node.OutputType != typeof(TOut))
        {
            throw new ArgumentException(
                $"Override of node '{nodeName}' in flow '{_flow.Name}' takes {ResoluteJson.DisplayName(typeof(TIn))} and returns {ResoluteJson.DisplayName(typeof(TOut))}, " +
                $"but the node takes {ResoluteJson.DisplayName(node.InputType)} and returns {ResoluteJson.DisplayName(node.OutputType)}. " +
                $"Pass a function of ({ResoluteJson.DisplayName(node.InputType)} input, NodeContext context) returning Task<{ResoluteJson.DisplayName(node.OutputType)}>.",
                nameof(function));
        }

        _overrides[nodeName] = async (input, context) =>
        {
            // Null reads as default(TIn), as the node itself reads it.
            var typed = input is null ? default! : (TIn)input;
            return await function(typed, context).ConfigureAwait(false);
        };
    }

    /// <summary>Makes attempt <paramref name="attempt"/> of node <paramref name="nodeName"/> throw <paramref name="error"/>.</summary>
    public void FailOn(string nodeName, int attempt, Exception error)
    {
        Find(nodeName, nameof(FlowTester.FailOn));
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        if (!_failuresOnAttempt.TryGetValue(nodeName, out var attempts))
        {
            _failuresOnAttempt[nodeName] = attempts = [];
        }

        attempts[attempt] = error;
    }

    /// <summary>Makes every attempt of node <paramref name="nodeName"/> throw <paramref name="error"/>.</summary>
    public void FailAlways(string nodeName, Exception error)
    {
        Find(nodeName, nameof(FlowTester.FailAlways));
        _failuresAlways[nodeName] = error;
    }

    /// <summary>The error injected for this attempt, or null to run the node.</summary>
    public Exception? InjectedFailure(string nodeName, int attempt) =>
        _failuresOnAttempt.TryGetValue(nodeName, out var attempts) && attempts.TryGetValue(attempt, out var error)
            ? error
            : _failuresAlways.GetValueOrDefault(nodeName);

    /// <summary>The function run for <paramref name="node"/>: its override, else its own.</summary>
    public Func<object?, NodeContext, Task<object?>> FunctionOf(Node node) =>
        _overrides.TryGetValue(node.Name, out var function) ? function : node.ExecuteAsync;

    /// <summary>True when the node's own function is replaced (or never reached: it always fails).</summary>
    public bool Replaces(Node node) => _overrides.ContainsKey(node.Name) || _failuresAlways.ContainsKey(node.Name);

    private Node Find(string nodeName, string method)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        if (_flow.TryGetNode(nodeName, out var node))
        {
            return node;
        }

        throw new ArgumentException(
            $"{method}(\"{nodeName}\"): flow '{_flow.Name}' has no node '{nodeName}'. Its nodes (steps, then compensations): " +
            $"{string.Join(", ", _flow.Nodes.Select(n => $"'{n.Name}'"))}.",
            nameof(nodeName));
    }
}
