namespace Resolute.Orchestration.Telemetry;

/// <summary>
/// A span of a run that ended while the orchestrator handled one message: a run, step, compensation or wait span. The
/// saga exports it once the message's transaction committed (<see cref="Sagas.RunAfterCommitFilter{TMessage}"/>), so a rolled
/// back message exports nothing and its retry exports the span once.
/// </summary>
/// <param name="Name">The span name, e.g. <c>step enrich-sources</c>.</param>
/// <param name="TraceId">The run's trace id.</param>
/// <param name="SpanId">The id chosen when the span began (children already point at it); null for a span without children.</param>
/// <param name="ParentSpanId">The parent span's id; null for a root span.</param>
/// <param name="Sampled">The trace's sampling decision, taken when the run started.</param>
/// <param name="TraceState">The W3C tracestate received with the start.</param>
/// <param name="StartedAt">When the span began.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="Tags">Its attributes (<see cref="Diagnostics.ResoluteAttributes"/>).</param>
/// <param name="Error">Why it failed; null when it did not.</param>
public sealed record RunSpanRecord(
    string Name,
    string TraceId,
    string? SpanId,
    string? ParentSpanId,
    bool Sampled,
    string? TraceState,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    IReadOnlyList<KeyValuePair<string, object?>> Tags,
    RunSpanError? Error);

/// <summary>Why a span failed.</summary>
/// <param name="Type">The error type (<c>error.type</c>).</param>
/// <param name="Message">The error message (the span's status description).</param>
public sealed record RunSpanError(string Type, string Message);

/// <summary>A rate-limited attempt that waited for its slot (a metric; recorded whether or not the run is traced).</summary>
/// <param name="NodeName">The node.</param>
/// <param name="Wait">How long it waited.</param>
public sealed record RateLimitWaitRecord(string NodeName, TimeSpan Wait);
