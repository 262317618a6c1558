namespace Resolute.Contracts;

/// <summary>What the orchestrator did with one <see cref="CancelFlowRun"/> request.</summary>
public enum CancelRequestOutcome
{
    /// <summary>The run is being cancelled because of this request: running nodes are told to stop, completed ones are compensated, it ends Cancelled.</summary>
    Accepted,

    /// <summary>An earlier request is already cancelling the run; this one changes nothing.</summary>
    AlreadyCancelling,

    /// <summary>
    /// The run was already failing or compensating: it goes on and ends with its original error (Failed or
    /// CompensationFailed), so this request changes nothing. <see cref="CancelRequestRecord.Detail"/> says why.
    /// </summary>
    Declined,
}

/// <summary>A cancellation request as the run recorded it (<see cref="FlowRunSnapshot.CancelRequests"/>).</summary>
public sealed record CancelRequestRecord
{
    /// <summary>The request's id (<see cref="CancelFlowRun.RequestId"/>), when the sender gave one.</summary>
    public Guid? RequestId { get; init; }

    /// <summary>The reason the sender gave.</summary>
    public string? Reason { get; init; }

    /// <summary>When the sender asked.</summary>
    public DateTimeOffset RequestedAt { get; init; }

    /// <summary>When the orchestrator handled the request.</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The run's status when the request arrived.</summary>
    public RunStatus StatusAtRequest { get; init; }

    /// <summary>What the orchestrator did with it.</summary>
    public required CancelRequestOutcome Outcome { get; init; }

    /// <summary>A sentence saying what happened and why.</summary>
    public required string Detail { get; init; }
}

/// <summary>
/// A <see cref="StartFlow"/> that named an existing run but did not match it — another flow, or another input for the
/// same run id or idempotency key — and so started nothing (<see cref="FlowRunSnapshot.RefusedStarts"/>). The first
/// start of a run id wins; a repeat with the same flow and input is a retried publish and is not recorded.
/// </summary>
public sealed record RefusedStartRecord
{
    /// <summary>The flow the refused request named.</summary>
    public required string FlowName { get; init; }

    /// <summary>The idempotency key the refused request carried.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Who sent it (<see cref="StartFlow.RequestedBy"/>).</summary>
    public string? RequestedBy { get; init; }

    /// <summary>When the sender asked.</summary>
    public DateTimeOffset RequestedAt { get; init; }

    /// <summary>When the orchestrator handled it.</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Why it started nothing, and what to do instead.</summary>
    public required string Reason { get; init; }
}
