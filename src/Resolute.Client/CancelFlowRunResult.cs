using Resolute.Contracts;

namespace Resolute.Client;

/// <summary>What became of a cancellation asked for with <see cref="IFlowClient.CancelAsync"/>.</summary>
public enum CancelFlowRunOutcome
{
    /// <summary>The run is being cancelled because of this request; it ends Cancelled once its completed nodes are compensated.</summary>
    Accepted,

    /// <summary>An earlier request is already cancelling the run.</summary>
    AlreadyCancelling,

    /// <summary>The run was already failing or compensating: it ends with its original error. The request is recorded on the run.</summary>
    Declined,

    /// <summary>The run had already ended (Completed, Failed, CompensationFailed or Cancelled); nothing changed.</summary>
    AlreadyEnded,

    /// <summary>No run with that id exists; the orchestrator drops a cancellation of an unknown run.</summary>
    NotFound,

    /// <summary>
    /// The orchestrator did not confirm the request within <see cref="FlowClientOptions.CancelConfirmationTimeout"/>
    /// (busy or down). The request stays queued and is acted on when the orchestrator reads it.
    /// </summary>
    Unconfirmed,
}

/// <summary>The answer of <see cref="IFlowClient.CancelAsync"/>: what the orchestrator did with the request, and why.</summary>
/// <param name="RunId">The run.</param>
/// <param name="RequestId">The request's id (<see cref="CancelFlowRun.RequestId"/>), under which the run records it.</param>
/// <param name="Outcome">What became of it.</param>
/// <param name="Status">The run's status as last seen; null when the run was not found.</param>
/// <param name="Message">A sentence for people: what happened and why.</param>
public sealed record CancelFlowRunResult(Guid RunId, Guid RequestId, CancelFlowRunOutcome Outcome, RunStatus? Status, string Message)
{
    /// <summary>True when this request is cancelling the run (or an earlier one already is).</summary>
    public bool IsCancelling => Outcome is CancelFlowRunOutcome.Accepted or CancelFlowRunOutcome.AlreadyCancelling;
}
