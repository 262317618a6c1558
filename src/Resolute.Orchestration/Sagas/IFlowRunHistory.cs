using MassTransit;
using Resolute.Orchestration.Runs;

namespace Resolute.Orchestration.Sagas;

/// <summary>
/// Writes the attempts that ended while the saga handled a message to the run's history, in the saga's own
/// transaction. Implemented by the persistence provider (one row per attempt).
/// </summary>
public interface IFlowRunHistory
{
    /// <summary>Adds <paramref name="ended"/> to the history within the consume of <paramref name="context"/>.</summary>
    Task RecordAsync(ConsumeContext context, IReadOnlyList<NodeExecution> ended);
}
