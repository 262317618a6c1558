using Resolute.Contracts;

namespace Resolute.Orchestration.Runs;

/// <summary>Turns a stored run and its history rows into the <see cref="FlowRunSnapshot"/> that clients see.</summary>
public static class FlowRunSnapshots
{
    /// <summary>The snapshot of <paramref name="run"/>: <paramref name="history"/> (ended attempts) and the open ones, in creation order.</summary>
    public static FlowRunSnapshot From(FlowRun run, IEnumerable<NodeExecution> history)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(history);
        var view = RunStateStore.ReadForQuery(run);
        return new FlowRunSnapshot
        {
            RunId = run.CorrelationId,
            FlowName = run.FlowName,
            FlowVersion = run.FlowVersion,
            Status = run.Status,
            CurrentStep = run.CurrentStep,
            StateJson = run.StateJson,
            Error = view.Error,
            CompensationErrors = view.CompensationErrors,
            History = history.Concat(view.Open)
                .OrderBy(e => e.Sequence)
                .Select(e => e.ToRecord())
                .ToList(),
            CreatedAt = run.CreatedAt,
            UpdatedAt = run.UpdatedAt,
            EndedAt = run.EndedAt,
            TraceId = view.TraceId,
            CancelRequests = view.CancelRequests,
            RefusedStarts = view.RefusedStarts,
        };
    }
}
