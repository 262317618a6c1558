using System.Diagnostics.Metrics;
using Resolute.Diagnostics;

namespace Resolute.Workers;

/// <summary>
/// The worker's instruments in Resolute's meter (<see cref="ResoluteTelemetry.Name"/>):
/// <list type="bullet">
/// <item><c>resolute.node.attempts</c> (counter) and <c>resolute.node.duration</c> (histogram, seconds), by flow, node and
/// outcome (<c>Completed</c>, <c>Failed</c>, <c>TimedOut</c>, <c>Cancelled</c>, <c>Rejected</c> for a command the worker
/// could not serve);</item>
/// <item><c>resolute.node.queue_wait</c> (histogram, seconds, by task queue): from the orchestrator's dispatch to the
/// worker's start, i.e. how long commands sit in the queue — the figure to scale worker pools on.</item>
/// </list>
/// </summary>
public sealed class NodeMetrics
{
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _queueWait;

    /// <summary>Creates the instruments in Resolute's meter of <paramref name="meterFactory"/> (which owns it).</summary>
    public NodeMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(ResoluteTelemetry.Name);
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = ResoluteTelemetry.SecondsBuckets };
        _attempts = meter.CreateCounter<long>("resolute.node.attempts", "{attempt}", "Node attempts run by workers, by outcome.");
        _duration = meter.CreateHistogram("resolute.node.duration", "s", "How long node attempts ran on the worker.", advice: seconds);
        _queueWait = meter.CreateHistogram("resolute.node.queue_wait", "s", "From the orchestrator's dispatch of a node command to a worker starting it.", advice: seconds);
    }

    /// <summary>A worker took a command from <paramref name="taskQueue"/> <paramref name="wait"/> after it was dispatched.</summary>
    public void Dequeued(string taskQueue, TimeSpan wait) =>
        _queueWait.Record(Math.Max(0, wait.TotalSeconds), new KeyValuePair<string, object?>(ResoluteAttributes.TaskQueue, taskQueue));

    /// <summary>An attempt of <paramref name="nodeName"/> ended with <paramref name="outcome"/> after <paramref name="duration"/>.</summary>
    public void AttemptEnded(string flowName, string nodeName, string outcome, TimeSpan duration)
    {
        var flow = new KeyValuePair<string, object?>(ResoluteAttributes.Flow, flowName);
        var node = new KeyValuePair<string, object?>(ResoluteAttributes.Node, nodeName);
        var result = new KeyValuePair<string, object?>(ResoluteAttributes.Outcome, outcome);
        _attempts.Add(1, flow, node, result);
        _duration.Record(Math.Max(0, duration.TotalSeconds), flow, node, result);
    }
}
