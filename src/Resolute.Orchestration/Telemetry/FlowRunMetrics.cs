using System.Diagnostics.Metrics;
using Resolute.Contracts;
using Resolute.Diagnostics;

namespace Resolute.Orchestration.Telemetry;

/// <summary>
/// The orchestrator's instruments in Resolute's meter (<see cref="ResoluteTelemetry.Name"/>):
/// <list type="bullet">
/// <item><c>resolute.runs.started</c> and <c>resolute.runs.ended</c> (counters; by flow, and by status at the end),</item>
/// <item><c>resolute.run.duration</c> (histogram, seconds, by flow and status),</item>
/// <item><c>resolute.rate_limit.wait</c> (histogram, seconds, by flow and node: how long rate-limited attempts waited for their slot),</item>
/// <item><c>resolute.runs.in_flight</c> (gauge, by flow), <c>resolute.outbox.backlog</c> and <c>resolute.outbox.age</c> (gauges)
/// — read from the database by a sampler (<see cref="UpdateRunsInFlight"/>, <see cref="UpdateOutbox"/>), so every replica
/// reports the same, cluster-wide figures.</item>
/// </list>
/// Counters are added once the message that changed the run committed (<see cref="Sagas.RunAfterCommitFilter{TMessage}"/>).
/// </summary>
public sealed class FlowRunMetrics
{
    private readonly Counter<long> _started;
    private readonly Counter<long> _ended;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _rateLimitWait;
    private readonly ObservableGauge<long> _inFlight;
    private readonly ObservableGauge<long> _outboxBacklog;
    private readonly ObservableGauge<double> _outboxAge;
    private volatile IReadOnlyDictionary<string, long>? _runsInFlight;
    private volatile OutboxSample? _outbox;

    /// <summary>Creates the instruments in Resolute's meter of <paramref name="meterFactory"/> (which owns it).</summary>
    public FlowRunMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(ResoluteTelemetry.Name);
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = ResoluteTelemetry.SecondsBuckets };
        _started = meter.CreateCounter<long>("resolute.runs.started", "{run}", "Runs started.");
        _ended = meter.CreateCounter<long>("resolute.runs.ended", "{run}", "Runs ended, by status (Completed, Failed, CompensationFailed, Cancelled).");
        _duration = meter.CreateHistogram("resolute.run.duration", "s", "How long runs took, from start to end.", advice: seconds);
        _rateLimitWait = meter.CreateHistogram("resolute.rate_limit.wait", "s", "How long rate-limited attempts waited for their start slot.", advice: seconds);
        _inFlight = meter.CreateObservableGauge("resolute.runs.in_flight", ObserveRunsInFlight, "{run}", "Runs not yet ended (Pending, Running, Compensating), cluster-wide.");
        _outboxBacklog = meter.CreateObservableGauge("resolute.outbox.backlog", ObserveOutboxBacklog, "{message}", "Messages in the transactional outbox not yet sent, cluster-wide.");
        _outboxAge = meter.CreateObservableGauge("resolute.outbox.age", ObserveOutboxAge, "s", "Age of the oldest unsent outbox message (0 when empty).");
    }

    /// <summary>True when a listener reads the database-backed gauges (the sampler queries only then).</summary>
    public bool GaugesObserved => _inFlight.Enabled || _outboxBacklog.Enabled || _outboxAge.Enabled;

    /// <summary>A run started.</summary>
    public void RunStarted(string flowName) => _started.Add(1, new KeyValuePair<string, object?>(ResoluteAttributes.Flow, flowName));

    /// <summary>A run ended with <paramref name="status"/> after <paramref name="duration"/>.</summary>
    public void RunEnded(string flowName, RunStatus status, TimeSpan duration)
    {
        var flow = new KeyValuePair<string, object?>(ResoluteAttributes.Flow, flowName);
        var runStatus = new KeyValuePair<string, object?>(ResoluteAttributes.RunStatus, status.ToString());
        _ended.Add(1, flow, runStatus);
        _duration.Record(Math.Max(0, duration.TotalSeconds), flow, runStatus);
    }

    /// <summary>A rate-limited attempt of <paramref name="nodeName"/> waited <paramref name="wait"/> for its slot.</summary>
    public void RateLimitWaited(string flowName, string nodeName, TimeSpan wait) => _rateLimitWait.Record(
        Math.Max(0, wait.TotalSeconds),
        new KeyValuePair<string, object?>(ResoluteAttributes.Flow, flowName),
        new KeyValuePair<string, object?>(ResoluteAttributes.Node, nodeName));

    /// <summary>The latest count of runs not yet ended, by flow.</summary>
    public void UpdateRunsInFlight(IReadOnlyDictionary<string, long> byFlow) => _runsInFlight = byFlow;

    /// <summary>The latest outbox figures: unsent messages and the age of the oldest.</summary>
    public void UpdateOutbox(long backlog, TimeSpan oldestAge) => _outbox = new OutboxSample(backlog, Math.Max(0, oldestAge.TotalSeconds));

    private IEnumerable<Measurement<long>> ObserveRunsInFlight()
    {
        if (_runsInFlight is not { } byFlow)
        {
            yield break;
        }

        foreach (var (flow, count) in byFlow)
        {
            yield return new Measurement<long>(count, new KeyValuePair<string, object?>(ResoluteAttributes.Flow, flow));
        }
    }

    private IEnumerable<Measurement<long>> ObserveOutboxBacklog()
    {
        if (_outbox is { } sample)
        {
            yield return new Measurement<long>(sample.Backlog);
        }
    }

    private IEnumerable<Measurement<double>> ObserveOutboxAge()
    {
        if (_outbox is { } sample)
        {
            yield return new Measurement<double>(sample.OldestAgeSeconds);
        }
    }

    private sealed record OutboxSample(long Backlog, double OldestAgeSeconds);
}
