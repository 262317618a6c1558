using Resolute.Contracts;

namespace Resolute.Orchestration.Runs;

/// <summary>Turns a stored run into the <see cref="FlowRunSnapshot"/> that clients see.</summary>
public static class FlowRunSnapshots
{
    /// <summary>The snapshot of <paramref name="run"/>.</summary>
    public static FlowRunSnapshot From(FlowRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var progress = FlowRunProgress.FromJson(run.ProgressJson);
        return new FlowRunSnapshot
        {
            RunId = run.CorrelationId,
            FlowName = run.FlowName,
            FlowVersion = run.FlowVersion,
            Status = run.Status,
            CurrentStep = run.CurrentStep,
            StateJson = run.StateJson,
            Error = progress.Error,
            CompensationErrors = progress.CompensationErrors,
            History = progress.Executions.Select(e => e.ToRecord()).ToList(),
            CreatedAt = run.CreatedAt,
            UpdatedAt = run.UpdatedAt,
            EndedAt = run.EndedAt,
        };
    }
}
