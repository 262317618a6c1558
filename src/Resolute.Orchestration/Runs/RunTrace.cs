namespace Resolute.Orchestration.Runs;

/// <summary>
/// The run's place in its distributed trace, stored with the run so that every span of the run — whichever orchestrator
/// replica handles the message, hours later, after a restart — joins the same trace. The run span and the step and
/// compensation spans last longer than one message: their ids are chosen when they begin (children point at them at
/// once) and they are exported when they end, with these ids and start times. Null on a run that is not traced (no
/// tracer listened when it started).
/// </summary>
public sealed class RunTrace
{
    /// <summary>The trace id (32 hex digits).</summary>
    public string TraceId { get; set; } = string.Empty;

    /// <summary>The run span's id (16 hex digits).</summary>
    public string RunSpanId { get; set; } = string.Empty;

    /// <summary>The span the run span hangs under: the StartFlow publish or the schedule fire; null for a root run.</summary>
    public string? ParentSpanId { get; set; }

    /// <summary>True when the trace is sampled (W3C flag <c>01</c>); children follow the decision taken at the start.</summary>
    public bool Sampled { get; set; }

    /// <summary>The W3C <c>tracestate</c> received with the start, passed on unchanged.</summary>
    public string? TraceState { get; set; }

    /// <summary>When the run span began (the run's creation).</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The step span open now, if any.</summary>
    public OpenSpan? Step { get; set; }

    /// <summary>The compensation span open now, if any (compensations run one at a time).</summary>
    public OpenSpan? Compensation { get; set; }

    /// <summary>The W3C <c>traceparent</c> of a span of this trace.</summary>
    public string TraceParentOf(string spanId) => $"00-{TraceId}-{spanId}-{(Sampled ? "01" : "00")}";
}

/// <summary>A span that began and has not ended: its id, what it is about, and when it began.</summary>
/// <param name="SpanId">The span id (16 hex digits).</param>
/// <param name="Name">The step's name, or the compensation node's.</param>
/// <param name="StartedAt">When it began.</param>
public sealed record OpenSpan(string SpanId, string Name, DateTimeOffset StartedAt);
