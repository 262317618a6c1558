using System.Diagnostics;
using Resolute.Contracts;
using Resolute.Diagnostics;
using Resolute.Orchestration.Runs;
using Resolute.Orchestration.Telemetry;

namespace Resolute.Orchestration.Decisions;

/// <summary>
/// The run's spans as the rules move it: a step span from the step's start to its join or failure, a compensation span
/// per compensation, a wait span per retry back-off and rate-limit wait, the run span at the end. Spans that have
/// children get their id when they begin (stored in <see cref="RunState.Trace"/>) and are handed to the decision when
/// they end (<see cref="FlowRunDecision.Spans"/>). Does nothing on a run that is not traced.
/// </summary>
internal static class RunTracing
{
    /// <summary>A step begins (before its inputs are computed, so that a step failing there still shows).</summary>
    public static void StepBegan(RunTurn turn, string stepName)
    {
        if (turn.State.Trace is not { } trace)
        {
            return;
        }

        StepEnded(turn);
        trace.Step = new OpenSpan(NewSpanId(), stepName, turn.Now);
    }

    /// <summary>The open step span, if any, ends: completed, or failed or cancelled when the step failed.</summary>
    public static void StepEnded(RunTurn turn)
    {
        if (turn.State.Trace is not { Step: { } step } trace)
        {
            return;
        }

        var state = turn.State;
        trace.Step = null;
        var outcome = !state.StepFailed ? "Completed" : state.CancelReason is not null ? "Cancelled" : "Failed";
        var error = state.StepFailed && state.Error is { } runError && (runError.StepName is null || runError.StepName == step.Name)
            ? new RunSpanError(runError.Error.Type, runError.Error.Message)
            : state.StepFailed ? new RunSpanError(outcome, $"Step '{step.Name}' {outcome.ToLowerInvariant()}.") : null;
        Add(turn, trace, $"step {step.Name}", step.SpanId, trace.RunSpanId, step.StartedAt, error,
        [
            new(ResoluteAttributes.Step, step.Name),
            new(ResoluteAttributes.Outcome, outcome),
        ]);
    }

    /// <summary>A compensation begins.</summary>
    public static void CompensationBegan(RunTurn turn, string compensationNode)
    {
        if (turn.State.Trace is { } trace)
        {
            trace.Compensation = new OpenSpan(NewSpanId(), compensationNode, turn.Now);
        }
    }

    /// <summary>The open compensation ends with <paramref name="outcome"/>.</summary>
    public static void CompensationEnded(RunTurn turn, string outcome, string forNode, ErrorInfo? error)
    {
        if (turn.State.Trace is not { Compensation: { } compensation } trace)
        {
            return;
        }

        trace.Compensation = null;
        Add(turn, trace, $"compensate {compensation.Name}", compensation.SpanId, trace.RunSpanId, compensation.StartedAt,
            error is null ? null : new RunSpanError(error.Type, error.Message),
        [
            new(ResoluteAttributes.Node, compensation.Name),
            new(ResoluteAttributes.IsCompensation, true),
            new(ResoluteAttributes.CompensatesNode, forNode),
            new(ResoluteAttributes.Outcome, outcome),
        ]);
    }

    /// <summary>
    /// An attempt stops waiting — for its retry back-off (<paramref name="kind"/> <c>retry</c>) or its rate-limit slot
    /// (<c>rate_limit</c>) — because it is sent now, or abandoned. The gap in the trace gets a name.
    /// </summary>
    public static void WaitEnded(RunTurn turn, NodeExecution attempt, string kind, DateTimeOffset since, string outcome)
    {
        if (kind == WaitKinds.RateLimit)
        {
            turn.Decision.RateLimitWaits.Add(new RateLimitWaitRecord(attempt.NodeName, turn.Now - since));
        }

        // An attempt whose slot was free at once did not wait: no span for nothing.
        if (turn.State.Trace is not { } trace || turn.Now <= since)
        {
            return;
        }

        Add(turn, trace, $"{(kind == WaitKinds.Retry ? "retry wait" : "rate limit wait")} {attempt.NodeName}", null, ParentSpanOf(trace, attempt), since, null,
        [
            new(ResoluteAttributes.Node, attempt.NodeName),
            new(ResoluteAttributes.Step, attempt.StepName),
            new(ResoluteAttributes.Attempt, attempt.Attempt),
            new(ResoluteAttributes.WaitKind, kind),
            new(ResoluteAttributes.Outcome, outcome),
        ]);
    }

    /// <summary>The run ended: open step and compensation spans end with it, then the run span.</summary>
    public static void RunEnded(RunTurn turn)
    {
        if (turn.State.Trace is not { } trace)
        {
            return;
        }

        var state = turn.State;
        StepEnded(turn);
        CompensationEnded(turn, "Abandoned", string.Empty, null);
        var error = state.Status == RunStatus.Completed
            ? null
            : state.Error is { } runError
                ? new RunSpanError(runError.Error.Type, runError.Error.Message)
                : new RunSpanError(state.Status.ToString(), $"The run ended {state.Status}.");
        Add(turn, trace, $"run {state.FlowName}", trace.RunSpanId, trace.ParentSpanId, trace.StartedAt, error,
        [
            new(ResoluteAttributes.RunStatus, state.Status.ToString()),
            new(ResoluteAttributes.Outcome, state.Status.ToString()),
        ]);
    }

    /// <summary>The W3C traceparent a node command carries: its step's span, or its compensation's.</summary>
    public static string? TraceParentOf(RunTurn turn, NodeExecution attempt) =>
        turn.State.Trace is { } trace ? trace.TraceParentOf(ParentSpanOf(trace, attempt)) : null;

    private static string ParentSpanOf(RunTrace trace, NodeExecution attempt) =>
        (attempt.IsCompensation ? trace.Compensation?.SpanId : trace.Step?.SpanId) ?? trace.RunSpanId;

    private static void Add(RunTurn turn, RunTrace trace, string name, string? spanId, string? parentSpanId, DateTimeOffset startedAt, RunSpanError? error,
        List<KeyValuePair<string, object?>> tags)
    {
        var state = turn.State;
        tags.Add(new(ResoluteAttributes.RunId, state.RunId.ToString()));
        tags.Add(new(ResoluteAttributes.Flow, state.FlowName));
        tags.Add(new(ResoluteAttributes.FlowVersion, state.FlowVersion));
        if (error is not null)
        {
            tags.Add(new(ResoluteAttributes.ErrorType, error.Type));
        }

        turn.Decision.Spans.Add(new RunSpanRecord(name, trace.TraceId, spanId, parentSpanId, trace.Sampled, trace.TraceState, startedAt, turn.Now, tags, error));
    }

    private static string NewSpanId() => ActivitySpanId.CreateRandom().ToHexString();
}

/// <summary>What a wait span waited for (<see cref="ResoluteAttributes.WaitKind"/>).</summary>
internal static class WaitKinds
{
    public const string Retry = "retry";
    public const string RateLimit = "rate_limit";
}
