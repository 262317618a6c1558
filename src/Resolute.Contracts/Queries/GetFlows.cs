namespace Resolute.Contracts;

/// <summary>Request: the flows the orchestrator has registered, with their plans. Answered with <see cref="FlowList"/>.</summary>
public sealed record GetFlows
{
    /// <summary>Only this flow; null for every flow.</summary>
    public string? FlowName { get; init; }
}

/// <summary>Response: the registered flows, by name.</summary>
public sealed record FlowList
{
    /// <summary>The flows (their current versions), ordered by name.</summary>
    public IReadOnlyList<FlowDescription> Flows { get; init; } = [];
}

/// <summary>A registered flow: its identity, triggers and plan, as values a client can show.</summary>
public sealed record FlowDescription
{
    /// <summary>The flow's name.</summary>
    public required string Name { get; init; }

    /// <summary>The current version (a hash of the definition); new runs follow it.</summary>
    public required string Version { get; init; }

    /// <summary>Older versions kept registered for runs that started on them (<c>AddPreviousFlowVersion</c>).</summary>
    public IReadOnlyList<string> PreviousVersions { get; init; } = [];

    /// <summary>The triggers, described (<c>manual 'x'</c>, <c>schedule '0 */4 * * *' (UTC)</c>).</summary>
    public IReadOnlyList<string> Triggers { get; init; } = [];

    /// <summary>The flow's task queue: nodes that name none run there.</summary>
    public required string TaskQueue { get; init; }

    /// <summary>The plan as text (what <c>Flow.Describe</c> prints).</summary>
    public string Plan { get; init; } = string.Empty;

    /// <summary>The plan's steps, in order.</summary>
    public IReadOnlyList<FlowStepDescription> Steps { get; init; } = [];
}

/// <summary>One step of a plan.</summary>
public sealed record FlowStepDescription
{
    /// <summary>The step "node" runs one node.</summary>
    public const string NodeKind = "node";

    /// <summary>The step "parallel" runs its nodes at once and joins them.</summary>
    public const string ParallelKind = "parallel";

    /// <summary>The step "when" runs <see cref="Then"/> or <see cref="Else"/> by a condition on the state.</summary>
    public const string ConditionKind = "when";

    /// <summary>The step's name.</summary>
    public required string Name { get; init; }

    /// <summary><see cref="NodeKind"/>, <see cref="ParallelKind"/> or <see cref="ConditionKind"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The nodes a node or parallel step runs; empty for a condition.</summary>
    public IReadOnlyList<FlowNodeDescription> Nodes { get; init; } = [];

    /// <summary>A condition's steps when it holds.</summary>
    public IReadOnlyList<FlowStepDescription> Then { get; init; } = [];

    /// <summary>A condition's steps when it does not.</summary>
    public IReadOnlyList<FlowStepDescription> Else { get; init; } = [];
}

/// <summary>One node of a step, with the settings that shape how it runs.</summary>
public sealed record FlowNodeDescription
{
    /// <summary>The node's name.</summary>
    public required string Name { get; init; }

    /// <summary>The state key its output is stored under.</summary>
    public required string OutputKey { get; init; }

    /// <summary>The queue it runs on.</summary>
    public required string TaskQueue { get; init; }

    /// <summary>Its timeout per attempt.</summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>Its attempts at most (0: unlimited).</summary>
    public int MaximumAttempts { get; init; }

    /// <summary>Its rate limit (<c>50/1m</c>, or a shared limiter's <c>name: 50/1m</c>); null when none.</summary>
    public string? RateLimit { get; init; }

    /// <summary>The node that undoes it on a failure; null when none.</summary>
    public string? Compensation { get; init; }

    /// <summary>True when its failure does not fail the step (<c>ContinueOnError</c>).</summary>
    public bool ContinueOnError { get; init; }
}
