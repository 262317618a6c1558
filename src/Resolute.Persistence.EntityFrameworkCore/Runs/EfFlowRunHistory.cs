using MassTransit;
using Resolute.Orchestration.Runs;
using Resolute.Orchestration.Sagas;
using Resolute.Persistence.EntityFrameworkCore.Saga;

namespace Resolute.Persistence.EntityFrameworkCore.Runs;

/// <summary>
/// The run saga's history: each ended attempt becomes a <c>resolute_node_executions</c> row, added to the per-message
/// <see cref="ResoluteDbContext"/> of the saga repository so it commits — in the same batch of statements — with the run.
/// </summary>
public sealed class EfFlowRunHistory : IFlowRunHistory
{
    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The consume context carries no <see cref="ResoluteDbContext"/>.</exception>
    public Task RecordAsync(ConsumeContext context, IReadOnlyList<NodeExecution> ended)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(ended);
        var db = SagaMessageDbContext.Of(context, "The run history");

        db.NodeExecutions.AddRange(ended);
        return Task.CompletedTask;
    }
}
