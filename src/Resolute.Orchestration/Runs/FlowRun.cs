using MassTransit;
using Resolute.Contracts;

namespace Resolute.Orchestration.Runs;

/// <summary>
/// The saga instance: one row per run. Scalar columns are what operators query (status, flow, times, wake-up); the
/// run's evolving details live in two JSON documents, <see cref="StateJson"/> (the <see cref="FlowState"/>) and
/// <see cref="ProgressJson"/> (what is open), read and written only through <see cref="RunStateStore"/>. Attempts that
/// ended are rows of their own (<see cref="NodeExecution"/>).
/// </summary>
public class FlowRun : SagaStateMachineInstance, ISagaVersion
{
    /// <summary>The run id (saga correlation id).</summary>
    public Guid CorrelationId { get; set; }

    /// <summary>
    /// The state-machine state; equals a <see cref="RunStatus"/> name once the run exists. Empty for a new instance,
    /// which MassTransit reads as its Initial state.
    /// </summary>
    public string CurrentState { get; set; } = string.Empty;

    /// <summary>Optimistic-concurrency version (a safety net; the repositories also lock the row).</summary>
    public int Version { get; set; }

    /// <summary>The flow's name as requested.</summary>
    public string FlowName { get; set; } = string.Empty;

    /// <summary>The flow version the run follows; empty when the flow was unknown.</summary>
    public string FlowVersion { get; set; } = string.Empty;

    /// <summary>The caller's idempotency key, if any.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>The next instruction of <c>FlowPlan.Instructions</c> to walk (a dispatched step has been passed).</summary>
    public int Cursor { get; set; }

    /// <summary>The step running now, or the last one.</summary>
    public string? CurrentStep { get; set; }

    /// <summary>The <see cref="FlowState"/> as JSON.</summary>
    public string StateJson { get; set; } = "{}";

    /// <summary>The run's open attempts, completion order, compensation queue and errors as JSON (see <see cref="RunStateStore"/>).</summary>
    public string ProgressJson { get; set; } = "{}";

    /// <summary>A one-line error summary for queries.</summary>
    public string? ErrorSummary { get; set; }

    /// <summary>When the run was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>When the run needs attention without a message (retry due, deadline passed); null when none. Indexed.</summary>
    public DateTimeOffset? NextWakeAt { get; set; }

    /// <summary>The status, read from <see cref="CurrentState"/>.</summary>
    public RunStatus Status => Enum.TryParse<RunStatus>(CurrentState, out var status) ? status : RunStatus.Pending;
}
