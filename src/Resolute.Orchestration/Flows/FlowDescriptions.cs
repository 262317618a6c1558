using Resolute.Contracts;
using Resolute.Planning;

namespace Resolute.Orchestration.Flows;

/// <summary>Turns a registered flow into the <see cref="FlowDescription"/> a client shows (<c>resolute flows</c>).</summary>
public static class FlowDescriptions
{
    /// <summary>The description of <paramref name="flow"/>, with the versions kept beside it.</summary>
    public static FlowDescription Describe(RegisteredFlow flow, IEnumerable<string> previousVersions)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(previousVersions);
        return new FlowDescription
        {
            Name = flow.Flow.Name,
            Version = flow.Flow.Version,
            PreviousVersions = previousVersions.ToList(),
            Triggers = flow.Flow.Triggers.Select(t => t.Describe()).ToList(),
            TaskQueue = flow.TaskQueue,
            Plan = flow.Flow.Plan.Describe(),
            Steps = flow.Flow.Plan.Steps.Select(s => Step(flow, s)).ToList(),
        };
    }

    private static FlowStepDescription Step(RegisteredFlow flow, PlanStep step) => step switch
    {
        ConditionalStep condition => new FlowStepDescription
        {
            Name = condition.Name,
            Kind = FlowStepDescription.ConditionKind,
            Then = condition.ThenSteps.Select(s => Step(flow, s)).ToList(),
            Else = condition.ElseSteps.Select(s => Step(flow, s)).ToList(),
        },
        ExecutionStep execution => new FlowStepDescription
        {
            Name = execution.Name,
            Kind = execution is ParallelStep ? FlowStepDescription.ParallelKind : FlowStepDescription.NodeKind,
            Nodes = execution.Nodes.Select(n => Node(flow, n)).ToList(),
        },
        _ => throw new NotSupportedException($"Step '{step.Name}' is a {step.GetType().Name}, which FlowDescriptions does not know."),
    };

    private static FlowNodeDescription Node(RegisteredFlow flow, Node node) => new()
    {
        Name = node.Name,
        OutputKey = node.OutputKey,
        TaskQueue = flow.QueueOf(node),
        Timeout = node.Timeout,
        MaximumAttempts = node.RetryPolicy.MaximumAttempts,
        RateLimit = node.SharedRateLimiter?.ToString() ?? node.RateLimit?.ToString(),
        Compensation = node.Compensation?.Name,
        ContinueOnError = node.ContinuesOnError,
    };
}
