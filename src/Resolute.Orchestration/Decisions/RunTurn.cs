using Resolute.Contracts;
using Resolute.Orchestration.Runs;

namespace Resolute.Orchestration.Decisions;

/// <summary>
/// One message's work on one run: the state, the flow it follows, the clock reading and id source of this message, and
/// the decision being built. The policies act through it, so every change they make ends up in one place.
/// </summary>
internal sealed class RunTurn
{
    private readonly Func<Guid> _newExecutionId;
    private string? _stateJson;

    public RunTurn(RunState state, RegisteredFlow? flow, DateTimeOffset now, OrchestratorOptions options, Func<Guid> newExecutionId)
    {
        State = state;
        RegisteredFlow = flow;
        Now = now;
        Options = options;
        _newExecutionId = newExecutionId;
        Decision = new FlowRunDecision { Status = state.Status };
    }

    public RunState State { get; }

    /// <summary>The flow and its task queue; null only for a run of an unknown flow.</summary>
    public RegisteredFlow? RegisteredFlow { get; }

    public Flow Flow => RegisteredFlow?.Flow ?? throw new InvalidOperationException($"Run {State.RunId} has no registered flow.");

    public DateTimeOffset Now { get; }

    public OrchestratorOptions Options { get; }

    public FlowRunDecision Decision { get; }

    /// <summary>True once <see cref="RunState.Data"/> changed in this turn (it is then serialised once, at the end).</summary>
    public bool DataChanged { get; private set; }

    /// <summary>The serialised state, computed once per turn after the last change.</summary>
    public string StateJson => _stateJson ??= State.Data.ToJson();

    public void Publish(object runEvent) => Decision.Events.Add(runEvent);

    public void MarkDataChanged()
    {
        DataChanged = true;
        _stateJson = null;
    }

    /// <summary>A new attempt of a node, numbered in the run's creation order; not yet open.</summary>
    public NodeExecution NewAttempt(string nodeName, string stepName, int attempt, bool isCompensation = false, string? compensatesNode = null) => new()
    {
        ExecutionId = _newExecutionId(),
        RunId = State.RunId,
        Sequence = ++State.ExecutionCount,
        NodeName = nodeName,
        StepName = stepName,
        Attempt = attempt,
        IsCompensation = isCompensation,
        CompensatesNode = compensatesNode,
        DispatchedAt = Now,
    };

    /// <summary>Ends an open attempt (or one that never opened) with <paramref name="outcome"/>: it leaves the run and goes to the history.</summary>
    public void End(NodeExecution attempt, NodeExecutionOutcome outcome, DateTimeOffset? endedAt = null)
    {
        // A retry or a rate-limited attempt that never got sent: its wait ends here.
        if (attempt.Outcome == NodeExecutionOutcome.RetryScheduled)
        {
            RunTracing.WaitEnded(this, attempt, WaitKinds.Retry, attempt.DispatchedAt, outcome.ToString());
        }
        else if (attempt.Outcome == NodeExecutionOutcome.WaitingForRateLimit && attempt.WaitingSince is { } since)
        {
            RunTracing.WaitEnded(this, attempt, WaitKinds.RateLimit, since, outcome.ToString());
        }

        attempt.Outcome = outcome;
        attempt.EndedAt = endedAt ?? Now;
        attempt.RetryAt = null;
        State.Open.Remove(attempt);
        Decision.EndedExecutions.Add(attempt);
    }

    public void Ignore(string reason)
    {
        Decision.Ignored = true;
        Decision.IgnoredReason = reason;
    }

    public RunError RunError(string? stepName, string? nodeName, int attempt, ErrorInfo error) => new()
    {
        FlowName = State.FlowName,
        StepName = stepName,
        NodeName = nodeName,
        Attempt = attempt,
        Error = error,
        OccurredAt = Now,
    };
}
