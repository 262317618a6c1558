using Resolute.Contracts;
using Resolute.Orchestration.RateLimits;
using Resolute.Orchestration.Runs;
using Resolute.Orchestration.Telemetry;

namespace Resolute.Orchestration.Decisions;

/// <summary>
/// What the saga must do after the rules handled one message: store the attempts that ended as history rows, send these
/// commands, publish these events, move to this status.
/// </summary>
public sealed class FlowRunDecision
{
    /// <summary>Node commands to send, each to its task queue.</summary>
    public List<NodeDispatch> Dispatches { get; } = [];

    /// <summary>Run events to publish.</summary>
    public List<object> Events { get; } = [];

    /// <summary>Attempts that ended while handling the message, to be written to the run's history.</summary>
    public List<NodeExecution> EndedExecutions { get; } = [];

    /// <summary>
    /// Attempts of rate-limited nodes that need a start slot. The saga reserves them in the same transaction and hands
    /// the slots to <see cref="FlowRunDecider.RateLimitSlotsReserved"/>, which sends or schedules each attempt.
    /// </summary>
    public List<RateLimitRequest> RateLimitRequests { get; } = [];

    /// <summary>Spans of the run that ended with this message, exported once it committed (empty when the run is not traced).</summary>
    public List<RunSpanRecord> Spans { get; } = [];

    /// <summary>Rate-limit waits that ended with this message (a metric).</summary>
    public List<RateLimitWaitRecord> RateLimitWaits { get; } = [];

    /// <summary>The run's status afterwards.</summary>
    public RunStatus Status { get; set; }

    /// <summary>True when the message changed nothing (a duplicate or stale reply, a late timer).</summary>
    public bool Ignored { get; set; }

    /// <summary>Why the message was ignored, for logs.</summary>
    public string? IgnoredReason { get; set; }

    /// <summary>
    /// A request the run refused or could not act on (a start that names this run with another flow or input, a cancel of
    /// a run that is already failing), for a warning in the log; the same is recorded on the run.
    /// </summary>
    public string? Refusal { get; set; }

    /// <summary>This decision followed by <paramref name="next"/>, taken later in the same message: everything of both, the later status.</summary>
    public FlowRunDecision Then(FlowRunDecision next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var merged = new FlowRunDecision
        {
            Status = next.Status,
            Ignored = Ignored && next.Ignored,
            IgnoredReason = Ignored && next.Ignored ? IgnoredReason : null,
            Refusal = Refusal ?? next.Refusal,
        };
        merged.Dispatches.AddRange(Dispatches);
        merged.Dispatches.AddRange(next.Dispatches);
        merged.Events.AddRange(Events);
        merged.Events.AddRange(next.Events);
        merged.EndedExecutions.AddRange(EndedExecutions);
        merged.EndedExecutions.AddRange(next.EndedExecutions);
        merged.RateLimitRequests.AddRange(next.RateLimitRequests);
        merged.Spans.AddRange(Spans);
        merged.Spans.AddRange(next.Spans);
        merged.RateLimitWaits.AddRange(RateLimitWaits);
        merged.RateLimitWaits.AddRange(next.RateLimitWaits);
        return merged;
    }
}

/// <summary>A node command and the queue it goes to.</summary>
/// <param name="TaskQueue">The task queue.</param>
/// <param name="Command">The command.</param>
public sealed record NodeDispatch(string TaskQueue, ExecuteNode Command);
