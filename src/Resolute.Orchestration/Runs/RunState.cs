using Resolute.Contracts;

namespace Resolute.Orchestration.Runs;

/// <summary>
/// A run as the rules see it: typed, loaded once per message by <see cref="RunStateStore"/> and stored once. Holds what
/// is needed to decide the next move — never the history of ended attempts, which are rows of their own.
/// </summary>
public sealed class RunState
{
    /// <summary>How many cancellation requests and refused starts a run keeps (the latest); older ones are dropped.</summary>
    public const int MaxRecordedRequests = 20;

    /// <summary>The run id.</summary>
    public Guid RunId { get; init; }

    /// <summary>The flow's name as requested.</summary>
    public string FlowName { get; init; } = string.Empty;

    /// <summary>The flow version the run follows; empty when the flow was unknown.</summary>
    public string FlowVersion { get; set; } = string.Empty;

    /// <summary>The status.</summary>
    public RunStatus Status { get; set; }

    /// <summary>The next instruction of the flow's plan to walk (a dispatched step has already been passed).</summary>
    public int Cursor { get; set; }

    /// <summary>The step running now, or the last one.</summary>
    public string? CurrentStep { get; set; }

    /// <summary>The run input and node outputs.</summary>
    public FlowState Data { get; set; } = new();

    /// <summary>Attempts awaiting a reply or a retry timer, in creation order.</summary>
    public List<NodeExecution> Open { get; init; } = [];

    /// <summary>Step nodes that completed, in completion order.</summary>
    public List<CompletedNode> Completions { get; init; } = [];

    /// <summary>True once the current step failed: nothing new is dispatched; running siblings are awaited.</summary>
    public bool StepFailed { get; set; }

    /// <summary>Compensations not yet run, in the order they will run.</summary>
    public List<PendingCompensation> CompensationQueue { get; init; } = [];

    /// <summary>The original failure (or the cancellation), once there is one.</summary>
    public RunError? Error { get; set; }

    /// <summary>Compensations that failed after their retries.</summary>
    public List<RunError> CompensationErrors { get; init; } = [];

    /// <summary>Set when the run was cancelled; the run ends Cancelled instead of Failed.</summary>
    public string? CancelReason { get; set; }

    /// <summary>Cancellation requests received while the run had not ended, oldest first (the latest <see cref="MaxRecordedRequests"/>).</summary>
    public List<CancelRequestRecord> CancelRequests { get; init; } = [];

    /// <summary>Start requests that named this run with another flow or input and started nothing (the latest <see cref="MaxRecordedRequests"/>).</summary>
    public List<RefusedStartRecord> RefusedStarts { get; init; } = [];

    /// <summary>
    /// SHA-256 (hex) of the start request's input text, to tell a retried start from one with another input; null for a
    /// run started without input (or before this was recorded).
    /// </summary>
    public string? InputFingerprint { get; set; }

    /// <summary>How many attempts the run has created (the next attempt's <see cref="NodeExecution.Sequence"/>).</summary>
    public int ExecutionCount { get; set; }

    /// <summary>When the run ended.</summary>
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>The run's trace (ids and open spans); null when the run is not traced.</summary>
    public RunTrace? Trace { get; set; }

    /// <summary>When the run needs the orchestrator without a message: the earliest retry time or deadline of an open attempt.</summary>
    public DateTimeOffset? NextWakeAt
    {
        get
        {
            DateTimeOffset? earliest = null;
            foreach (var attempt in Open)
            {
                if (attempt.WakeAt is { } at && (earliest is null || at < earliest))
                {
                    earliest = at;
                }
            }

            return earliest;
        }
    }

    /// <summary>True while an attempt of a step node (not a compensation) is open.</summary>
    public bool HasOpenStepAttempt => Open.Exists(e => !e.IsCompensation);

    /// <summary>The open attempt with this id, or null.</summary>
    public NodeExecution? FindOpen(Guid executionId) => Open.Find(e => e.ExecutionId == executionId);
}
