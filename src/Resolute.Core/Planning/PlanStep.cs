namespace Resolute.Planning;

/// <summary>One step of a compiled flow, as written with the builder.</summary>
public abstract class PlanStep
{
    private protected PlanStep(string name) => Name = name;

    /// <summary>The step's name: the node name for <c>Then</c>, the group name for <c>ThenParallel</c>, the block name for <c>When</c>.</summary>
    public string Name { get; }
}

/// <summary>A step that dispatches nodes and waits for all of them.</summary>
public abstract class ExecutionStep : PlanStep
{
    private protected ExecutionStep(string name, IReadOnlyList<Node> nodes)
        : base(name) => Nodes = nodes;

    /// <summary>The nodes dispatched together when the step starts (one for <see cref="NodeStep"/>).</summary>
    public IReadOnlyList<Node> Nodes { get; }
}

/// <summary>A sequential step: one node (<c>Then(node)</c>).</summary>
public sealed class NodeStep : ExecutionStep
{
    internal NodeStep(Node node)
        : base(node.Name, [node]) => Node = node;

    /// <summary>The node.</summary>
    public Node Node { get; }
}

/// <summary>A parallel step: all nodes start at once; the next step starts when every one completed (<c>ThenParallel</c>).</summary>
public sealed class ParallelStep : ExecutionStep
{
    internal ParallelStep(string name, IReadOnlyList<Node> nodes)
        : base(name, nodes)
    {
    }
}

/// <summary>A conditional block (<c>When … Else … EndWhen</c>). The predicate is evaluated once, when the block is reached.</summary>
public sealed class ConditionalStep : PlanStep
{
    internal ConditionalStep(string name, Func<FlowState, bool> predicate, IReadOnlyList<PlanStep> thenSteps, IReadOnlyList<PlanStep> elseSteps, bool hasElse)
        : base(name)
    {
        Predicate = predicate;
        ThenSteps = thenSteps;
        ElseSteps = elseSteps;
        HasElse = hasElse;
    }

    /// <summary>Decides the branch, against the live state. Runs on the orchestrator.</summary>
    public Func<FlowState, bool> Predicate { get; }

    /// <summary>Steps run when the predicate is true.</summary>
    public IReadOnlyList<PlanStep> ThenSteps { get; }

    /// <summary>Steps run when it is false (empty without <c>Else()</c>).</summary>
    public IReadOnlyList<PlanStep> ElseSteps { get; }

    /// <summary>Whether <c>Else()</c> was written.</summary>
    public bool HasElse { get; }
}
