using System.Security.Cryptography;
using System.Text;
using Resolute.Planning;
using Resolute.Serialization;

namespace Resolute;

/// <summary>
/// A validated, compiled flow definition. Build one with <see cref="Create"/>. Both the orchestrator (which walks
/// the plan and evaluates <c>WithInput</c>/<c>When</c>) and the workers (which run the nodes) register the same flows.
/// </summary>
public sealed class Flow
{
    private readonly Dictionary<string, Node> _nodes;

    internal Flow(string name, IReadOnlyList<Trigger> triggers, FlowPlan plan, IReadOnlyList<Node> nodes)
    {
        Name = name;
        Triggers = triggers;
        Plan = plan;
        _nodes = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        Nodes = nodes;
        Version = ComputeVersion(name, plan, nodes);
    }

    /// <summary>The flow's name; runs are started by this name.</summary>
    public string Name { get; }

    /// <summary>
    /// A fingerprint of the definition's shape (steps, node names, types, keys, queues, compensations). A node command
    /// carries it, so a worker running another version of the flow refuses the command instead of guessing.
    /// </summary>
    public string Version { get; }

    /// <summary>What starts runs of this flow.</summary>
    public IReadOnlyList<Trigger> Triggers { get; }

    /// <summary>The compiled plan.</summary>
    public FlowPlan Plan { get; }

    /// <summary>Every node of the flow: step nodes in plan order, then compensation nodes.</summary>
    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>Starts a flow definition (seed: <c>core.NewFlow(name)</c>).</summary>
    public static FlowBuilder Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new FlowBuilder(name);
    }

    /// <summary>Finds a node (step or compensation) by name.</summary>
    public bool TryGetNode(string name, out Node node)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _nodes.TryGetValue(name, out node!);
    }

    /// <summary>The node named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such node; the message lists the flow's nodes.</exception>
    public Node GetNode(string name) => TryGetNode(name, out var node)
        ? node
        : throw new KeyNotFoundException($"Flow '{Name}' has no node '{name}'. Nodes: {string.Join(", ", _nodes.Keys.Select(k => $"'{k}'"))}.");

    /// <summary>A readable rendering: name, version, triggers and the plan.</summary>
    public string Describe() =>
        $"flow '{Name}' (version {Version}), triggered by {string.Join(" and ", Triggers.Select(t => t.Describe()))}{Environment.NewLine}{Plan.Describe()}";

    /// <inheritdoc />
    public override string ToString() => $"flow '{Name}' (version {Version})";

    private static string ComputeVersion(string name, FlowPlan plan, IReadOnlyList<Node> nodes)
    {
        var canonical = new StringBuilder();
        canonical.Append("flow:").Append(name).Append('\n');
        foreach (var instruction in plan.Instructions)
        {
            switch (instruction)
            {
                case ExecuteInstruction execute:
                    canonical.Append("exec:").Append(execute.Step.Name).Append(':').Append(execute.Step is ParallelStep ? 'P' : 'S').Append('\n');
                    foreach (var node in execute.Step.Nodes)
                    {
                        canonical.Append("  node:").Append(node.Name).Append('\n');
                    }

                    break;
                case BranchInstruction branch:
                    canonical.Append("when:").Append(branch.Step.Name).Append(':').Append(branch.ElseIndex).Append('\n');
                    break;
                case JumpInstruction jump:
                    canonical.Append("goto:").Append(jump.Target).Append('\n');
                    break;
            }
        }

        foreach (var node in nodes)
        {
            canonical.Append("def:").Append(node.Name)
                .Append('|').Append(ResoluteJson.TypeName(node.InputType))
                .Append('|').Append(ResoluteJson.TypeName(node.OutputType))
                .Append('|').Append(node.OutputKey)
                .Append('|').Append(node.TaskQueue)
                .Append('|').Append(node.Compensation?.Name)
                .Append('\n');
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()));
        return Convert.ToHexStringLower(hash.AsSpan(0, 6));
    }
}
