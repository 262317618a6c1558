using System.Text.Json;
using Resolute.Contracts;
using Resolute.Serialization;

namespace Resolute.Orchestration.Runs;

/// <summary>
/// What the orchestrator remembers about a run besides its <see cref="FlowState"/>: every node execution (pending
/// ones and history), the order in which step nodes completed (compensation runs in reverse), the compensation
/// still to do, and the errors. Stored as JSON in <see cref="FlowRun.ProgressJson"/>.
/// </summary>
public sealed class FlowRunProgress
{
    /// <summary>Every execution, in dispatch order.</summary>
    public List<NodeExecution> Executions { get; set; } = [];

    /// <summary>Step nodes that completed, in completion order.</summary>
    public List<string> CompletedNodes { get; set; } = [];

    /// <summary>True once the current step failed: nothing new is dispatched; running siblings are awaited.</summary>
    public bool StepFailed { get; set; }

    /// <summary>Compensations not yet run: (compensation node, node it undoes), in the order they will run.</summary>
    public List<PendingCompensation> CompensationQueue { get; set; } = [];

    /// <summary>The original failure (or the cancellation), once there is one.</summary>
    public RunError? Error { get; set; }

    /// <summary>Compensations that failed after their retries.</summary>
    public List<RunError> CompensationErrors { get; set; } = [];

    /// <summary>Set when the run was cancelled; the run ends Cancelled instead of Failed.</summary>
    public string? CancelReason { get; set; }

    /// <summary>Executions still awaiting a reply or a retry timer.</summary>
    public IEnumerable<NodeExecution> Open => Executions.Where(e => e.Outcome is NodeExecutionOutcome.Pending or NodeExecutionOutcome.RetryScheduled);

    /// <summary>Reads progress JSON (an empty document gives empty progress).</summary>
    public static FlowRunProgress FromJson(string? json) =>
        string.IsNullOrWhiteSpace(json) ? new FlowRunProgress() : JsonSerializer.Deserialize<FlowRunProgress>(json, ResoluteJson.Options) ?? new FlowRunProgress();

    /// <summary>Writes progress as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ResoluteJson.Options);

    /// <summary>The execution with this id, or null.</summary>
    public NodeExecution? Find(Guid executionId) => Executions.Find(e => e.ExecutionId == executionId);
}

/// <summary>One attempt of one node.</summary>
public sealed class NodeExecution
{
    /// <summary>The attempt's id; replies carry it.</summary>
    public Guid ExecutionId { get; set; }

    /// <summary>The node.</summary>
    public string NodeName { get; set; } = string.Empty;

    /// <summary>The step (for compensations, the step of the node undone).</summary>
    public string StepName { get; set; } = string.Empty;

    /// <summary>1 for the first attempt.</summary>
    public int Attempt { get; set; }

    /// <summary>True for a compensation.</summary>
    public bool IsCompensation { get; set; }

    /// <summary>For a compensation: the step node it undoes.</summary>
    public string? CompensatesNode { get; set; }

    /// <summary>The outcome so far.</summary>
    public NodeExecutionOutcome Outcome { get; set; }

    /// <summary>The input JSON sent (kept so a retry sends the same input).</summary>
    public string? InputJson { get; set; }

    /// <summary>When dispatched (or, for a scheduled retry, when the retry was decided).</summary>
    public DateTimeOffset DispatchedAt { get; set; }

    /// <summary>When the worker started it.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>When a scheduled retry is due.</summary>
    public DateTimeOffset? RetryAt { get; set; }

    /// <summary>When the orchestrator gives up waiting for a reply and counts the attempt as failed.</summary>
    public DateTimeOffset? DeadlineAt { get; set; }

    /// <summary>The worker that ran it.</summary>
    public string? WorkerId { get; set; }

    /// <summary>The error of a failed attempt.</summary>
    public ErrorInfo? Error { get; set; }

    /// <summary>The contract view of this execution.</summary>
    public NodeExecutionRecord ToRecord() => new()
    {
        ExecutionId = ExecutionId,
        NodeName = NodeName,
        StepName = StepName,
        Attempt = Attempt,
        IsCompensation = IsCompensation,
        Outcome = Outcome,
        DispatchedAt = DispatchedAt,
        StartedAt = StartedAt,
        EndedAt = EndedAt,
        WorkerId = WorkerId,
        Error = Error,
    };
}

/// <summary>A compensation waiting its turn.</summary>
/// <param name="CompensationNode">The compensation node's name.</param>
/// <param name="ForNode">The step node it undoes.</param>
/// <param name="StepName">That node's step.</param>
public sealed record PendingCompensation(string CompensationNode, string ForNode, string StepName);
