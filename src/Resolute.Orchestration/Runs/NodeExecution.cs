using System.Text.Json.Serialization;
using Resolute.Contracts;

namespace Resolute.Orchestration.Runs;

/// <summary>
/// One attempt of one node. While open (<see cref="NodeExecutionOutcome.Pending"/>,
/// <see cref="NodeExecutionOutcome.RetryScheduled"/>, <see cref="NodeExecutionOutcome.WaitingForRateLimit"/> or
/// <see cref="NodeExecutionOutcome.WaitingForWorker"/>) it lives in the run's <see cref="RunState.Open"/>; once it ended it
/// is written as a row of its own (the run's history), so that handling a message costs what is open, not what happened.
/// </summary>
public sealed class NodeExecution
{
    /// <summary>The attempt's id; replies carry it.</summary>
    public Guid ExecutionId { get; set; }

    /// <summary>The run.</summary>
    public Guid RunId { get; set; }

    /// <summary>Order of creation within the run (history is listed in this order).</summary>
    public int Sequence { get; set; }

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

    /// <summary>
    /// For a rate-limited node: the start slot its limiter reserved (null while waiting for the reservation). While
    /// <see cref="NodeExecutionOutcome.WaitingForRateLimit"/> the attempt is sent at this time; once sent, a worker's
    /// <c>NodeStartMissed</c> is matched against it.
    /// </summary>
    public DateTimeOffset? RateLimitSlot { get; set; }

    /// <summary>While <see cref="NodeExecutionOutcome.WaitingForRateLimit"/>: since when.</summary>
    public DateTimeOffset? WaitingSince { get; set; }

    /// <summary>How long the attempt waited for its rate limit, over every wait that ended (a missed window waits again).</summary>
    public TimeSpan RateLimitWait { get; set; }

    /// <summary>While <see cref="NodeExecutionOutcome.WaitingForWorker"/>: since when (the first decline).</summary>
    public DateTimeOffset? WorkerWaitingSince { get; set; }

    /// <summary>How many workers declined the attempt for lack of its flow version; the pause before it is sent again grows with it.</summary>
    public int WorkerDeclines { get; set; }

    /// <summary>When this open attempt needs the orchestrator without a message: its retry time, its rate-limit slot or its deadline.</summary>
    [JsonIgnore]
    public DateTimeOffset? WakeAt => Outcome switch
    {
        NodeExecutionOutcome.RetryScheduled or NodeExecutionOutcome.WaitingForWorker => RetryAt,
        NodeExecutionOutcome.Pending => DeadlineAt,
        // No slot yet means the reservation did not happen (it is made in the same message): ask again at once.
        NodeExecutionOutcome.WaitingForRateLimit => RateLimitSlot ?? WaitingSince,
        _ => null,
    };

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
        RateLimitWait = RateLimitWait,
        WaitingSince = Outcome switch
        {
            NodeExecutionOutcome.WaitingForRateLimit => WaitingSince,
            NodeExecutionOutcome.WaitingForWorker => WorkerWaitingSince,
            _ => null,
        },
    };
}

/// <summary>A step node that completed, in completion order (compensation runs in reverse).</summary>
/// <param name="NodeName">The node.</param>
/// <param name="StepName">Its step.</param>
public sealed record CompletedNode(string NodeName, string StepName);

/// <summary>A compensation waiting its turn.</summary>
/// <param name="CompensationNode">The compensation node's name.</param>
/// <param name="ForNode">The step node it undoes.</param>
/// <param name="StepName">That node's step.</param>
public sealed record PendingCompensation(string CompensationNode, string ForNode, string StepName);
