namespace Resolute.Contracts;

/// <summary>The status of a run.</summary>
public enum RunStatus
{
    /// <summary>Accepted, not started yet.</summary>
    Pending,

    /// <summary>Steps are being dispatched and run.</summary>
    Running,

    /// <summary>A step failed (or the run was cancelled); compensations of completed nodes are running.</summary>
    Compensating,

    /// <summary>Every step completed.</summary>
    Completed,

    /// <summary>A node failed after its retries; compensations (if any) succeeded. <c>Error</c> holds the original failure.</summary>
    Failed,

    /// <summary>A node failed and at least one compensation failed too; both errors are recorded.</summary>
    CompensationFailed,

    /// <summary>Cancelled on request; completed nodes were compensated.</summary>
    Cancelled,
}

/// <summary>What a <see cref="RunStatus"/> says about the run.</summary>
public static class RunStatusExtensions
{
    /// <summary>True for the end states: Completed, Failed, CompensationFailed, Cancelled.</summary>
    public static bool HasEnded(this RunStatus status) =>
        status is RunStatus.Completed or RunStatus.Failed or RunStatus.CompensationFailed or RunStatus.Cancelled;
}

/// <summary>Why a run failed: where (flow, step, node, attempt) and what (type, message, stack).</summary>
public sealed record RunError
{
    /// <summary>The flow.</summary>
    public required string FlowName { get; init; }

    /// <summary>The step, or null when the run failed before any step (unknown flow).</summary>
    public string? StepName { get; init; }

    /// <summary>The node, or null when no node was involved.</summary>
    public string? NodeName { get; init; }

    /// <summary>The attempt that failed last.</summary>
    public int Attempt { get; init; }

    /// <summary>The error.</summary>
    public required ErrorInfo Error { get; init; }

    /// <summary>When it happened.</summary>
    public DateTimeOffset OccurredAt { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"flow '{FlowName}'{(StepName is null ? "" : $", step '{StepName}'")}{(NodeName is null ? "" : $", node '{NodeName}'")}" +
        $"{(Attempt > 0 ? $", attempt {Attempt}" : "")}: {Error.Type}: {Error.Message}";
}

/// <summary>Published when a run starts.</summary>
public sealed record FlowRunStarted
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The flow.</summary>
    public required string FlowName { get; init; }

    /// <summary>The flow version the run follows.</summary>
    public required string FlowVersion { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset StartedAt { get; init; }
}

/// <summary>Published when a run completes; carries the final state.</summary>
public sealed record FlowRunCompleted
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The flow.</summary>
    public required string FlowName { get; init; }

    /// <summary>The final FlowState as JSON.</summary>
    public string? StateJson { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset CompletedAt { get; init; }
}

/// <summary>Published when a run ends Failed, CompensationFailed or Cancelled.</summary>
public sealed record FlowRunFailed
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The flow.</summary>
    public required string FlowName { get; init; }

    /// <summary>Failed, CompensationFailed or Cancelled.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>The original error.</summary>
    public required RunError Error { get; init; }

    /// <summary>Errors of compensations that failed, if any.</summary>
    public IReadOnlyList<RunError> CompensationErrors { get; init; } = [];

    /// <summary>When.</summary>
    public DateTimeOffset FailedAt { get; init; }
}

/// <summary>Published when a node attempt of a run failed (after the worker's reply, a deadline, or an input error).</summary>
public sealed record FlowRunNodeFailed
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The flow.</summary>
    public required string FlowName { get; init; }

    /// <summary>The step.</summary>
    public required string StepName { get; init; }

    /// <summary>The node.</summary>
    public required string NodeName { get; init; }

    /// <summary>The attempt that failed.</summary>
    public required int Attempt { get; init; }

    /// <summary>The attempt's id (as in <see cref="FlowRunNodeDispatched"/>); null for a node that failed before it was dispatched.</summary>
    public Guid? ExecutionId { get; init; }

    /// <summary>True for a compensation node.</summary>
    public bool IsCompensation { get; init; }

    /// <summary>What went wrong.</summary>
    public required ErrorInfo Error { get; init; }

    /// <summary>True when another attempt is scheduled.</summary>
    public bool WillRetry { get; init; }

    /// <summary>
    /// True when the node is best-effort (<c>ContinueOnError</c>) and this was its last attempt: its step does not fail,
    /// nothing is stored under its key, and the run goes on.
    /// </summary>
    public bool ContinuesRun { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset FailedAt { get; init; }
}

/// <summary>Published when the orchestrator scheduled another attempt of a node (durable timer).</summary>
public sealed record FlowRunRetryScheduled
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The flow.</summary>
    public required string FlowName { get; init; }

    /// <summary>The node.</summary>
    public required string NodeName { get; init; }

    /// <summary>The attempt that will run.</summary>
    public required int NextAttempt { get; init; }

    /// <summary>When it will be dispatched.</summary>
    public required DateTimeOffset DueAt { get; init; }
}

/// <summary>Published when a compensation node is dispatched.</summary>
public sealed record FlowRunCompensationStarted
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The flow.</summary>
    public required string FlowName { get; init; }

    /// <summary>The compensation node.</summary>
    public required string CompensationNode { get; init; }

    /// <summary>The step node it undoes.</summary>
    public required string ForNode { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset StartedAt { get; init; }
}

/// <summary>Published when a compensation node completed.</summary>
public sealed record FlowRunCompensationCompleted
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The flow.</summary>
    public required string FlowName { get; init; }

    /// <summary>The compensation node.</summary>
    public required string CompensationNode { get; init; }

    /// <summary>The step node it undid.</summary>
    public required string ForNode { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset CompletedAt { get; init; }
}

/// <summary>Published when a compensation failed for good (after its retries); the other compensations still run.</summary>
public sealed record FlowRunCompensationFailed
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The flow.</summary>
    public required string FlowName { get; init; }

    /// <summary>The compensation node.</summary>
    public required string CompensationNode { get; init; }

    /// <summary>The step node it should have undone.</summary>
    public required string ForNode { get; init; }

    /// <summary>The error.</summary>
    public required RunError Error { get; init; }
}

/// <summary>Published when a cancelled run has ended (after its compensations). <see cref="FlowRunFailed"/> is published too.</summary>
public sealed record FlowRunCancelled
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The flow.</summary>
    public required string FlowName { get; init; }

    /// <summary>The reason given.</summary>
    public string? Reason { get; init; }

    /// <summary>When the run ended.</summary>
    public DateTimeOffset CancelledAt { get; init; }
}
