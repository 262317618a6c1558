using System.Diagnostics;

namespace Resolute.Diagnostics;

/// <summary>
/// The names under which Resolute reports to OpenTelemetry: one <see cref="ActivitySource"/> and one
/// <c>System.Diagnostics.Metrics.Meter</c>, both called <see cref="Name"/>. <c>AddResolute</c> adds them (and MassTransit's)
/// to the application's tracer and meter providers; an application that builds its providers elsewhere adds
/// <c>.AddSource(ResoluteTelemetry.Name)</c> and <c>.AddMeter(ResoluteTelemetry.Name)</c>.
/// </summary>
public static class ResoluteTelemetry
{
    /// <summary>The name of Resolute's activity source and meter: <c>Resolute</c>.</summary>
    public const string Name = "Resolute";

    /// <summary>MassTransit's activity source and meter name, added beside Resolute's.</summary>
    public const string MassTransitName = "MassTransit";

    /// <summary>The source of every Resolute span: runs, steps, node attempts, compensations, waits.</summary>
    internal static ActivitySource Source { get; } = new(Name, typeof(ResoluteTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Bucket boundaries, in seconds, of Resolute's duration histograms: from 5 ms to an hour.</summary>
    internal static readonly IReadOnlyList<double> SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    /// <summary>MassTransit's message header for the sending span (W3C traceparent format).</summary>
    internal const string MassTransitActivityHeader = "MT-Activity-Id";

    /// <summary>
    /// The span of a start request — <c>start {flow}</c> from a client, <c>schedule {flow}</c> from a schedule tick — under
    /// which the run's trace begins. Null when nothing traces Resolute. The publisher puts its id in the message's
    /// <see cref="MassTransitActivityHeader"/> header, so the run joins it even when MassTransit itself is not traced.
    /// </summary>
    internal static Activity? StartRequestSpan(string operation, string flowName, Guid runId) =>
        Source.StartActivity($"{operation} {flowName}", ActivityKind.Producer, default(ActivityContext),
        [
            new(ResoluteAttributes.RunId, runId.ToString()),
            new(ResoluteAttributes.Flow, flowName),
        ]);
}

/// <summary>The attribute (tag) names on Resolute's spans and metrics.</summary>
public static class ResoluteAttributes
{
    /// <summary>The run id.</summary>
    public const string RunId = "resolute.run.id";

    /// <summary>The flow's name.</summary>
    public const string Flow = "resolute.flow.name";

    /// <summary>The flow definition's version.</summary>
    public const string FlowVersion = "resolute.flow.version";

    /// <summary>The step's name.</summary>
    public const string Step = "resolute.step.name";

    /// <summary>The node's name.</summary>
    public const string Node = "resolute.node.name";

    /// <summary>The attempt number, 1 for the first.</summary>
    public const string Attempt = "resolute.node.attempt";

    /// <summary>The attempt's id (unique per attempt; replies carry it).</summary>
    public const string ExecutionId = "resolute.execution.id";

    /// <summary>The task queue a node command went to.</summary>
    public const string TaskQueue = "resolute.task_queue";

    /// <summary>The worker that ran an attempt.</summary>
    public const string WorkerId = "resolute.worker.id";

    /// <summary>How a run, step, attempt or compensation ended (<c>Completed</c>, <c>Failed</c>, <c>TimedOut</c>, ...).</summary>
    public const string Outcome = "resolute.outcome";

    /// <summary>The run's status at its end.</summary>
    public const string RunStatus = "resolute.run.status";

    /// <summary>True on a compensation's spans.</summary>
    public const string IsCompensation = "resolute.compensation";

    /// <summary>For a compensation: the step node it undoes.</summary>
    public const string CompensatesNode = "resolute.compensation.for_node";

    /// <summary>What a wait span waited for: <c>retry</c> (back-off) or <c>rate_limit</c>.</summary>
    public const string WaitKind = "resolute.wait.kind";

    /// <summary>The error type (OpenTelemetry's semantic convention name), e.g. <c>NodeTimeout</c> or an exception type.</summary>
    public const string ErrorType = "error.type";
}
