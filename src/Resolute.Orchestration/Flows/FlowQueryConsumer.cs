using MassTransit;
using Resolute.Contracts;

namespace Resolute.Orchestration.Flows;

/// <summary>Answers <see cref="GetFlows"/> on the query queue with the flows this orchestrator has registered.</summary>
public sealed class FlowQueryConsumer : IConsumer<GetFlows>
{
    private readonly FlowRegistry _registry;

    /// <summary>Created per message.</summary>
    public FlowQueryConsumer(FlowRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
    }

    /// <inheritdoc />
    public Task Consume(ConsumeContext<GetFlows> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = context.Message.FlowName;
        var flows = _registry.Flows
            .Where(f => name is null || string.Equals(f.Flow.Name, name, StringComparison.Ordinal))
            .OrderBy(f => f.Flow.Name, StringComparer.Ordinal)
            .Select(f => FlowDescriptions.Describe(f, _registry.AllVersions
                .Where(v => v.Flow.Name == f.Flow.Name && v.Flow.Version != f.Flow.Version)
                .Select(v => v.Flow.Version)))
            .ToList();
        return context.RespondAsync(new FlowList { Flows = flows });
    }
}
