using System.Diagnostics.Metrics;
using Resolute.Diagnostics;

namespace Resolute.Orchestration.Schedules;

/// <summary>
/// Counters of the schedule runner, in Resolute's meter (<see cref="ResoluteTelemetry.Name"/>; for OpenTelemetry /
/// dotnet-counters), each tagged with the flow (<see cref="ResoluteAttributes.Flow"/>): ticks started (<c>resolute.schedule.ticks.started</c>), skipped because the previous run was
/// still running (<c>resolute.schedule.ticks.skipped</c>) and buffered (<c>resolute.schedule.ticks.buffered</c>). The
/// totals of this process are also readable here.
/// </summary>
public sealed class ScheduleMetrics
{
    private readonly Counter<long> _started;
    private readonly Counter<long> _skipped;
    private readonly Counter<long> _buffered;
    private long _startedTotal;
    private long _skippedTotal;
    private long _bufferedTotal;

    /// <summary>Creates the counters in a meter of <paramref name="meterFactory"/>.</summary>
    public ScheduleMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        // The factory owns the meter (and shares it with Resolute's other instruments): it is not disposed here.
        var meter = meterFactory.Create(ResoluteTelemetry.Name);
        _started = meter.CreateCounter<long>("resolute.schedule.ticks.started", "{tick}", "Schedule ticks that published a StartFlow.");
        _skipped = meter.CreateCounter<long>("resolute.schedule.ticks.skipped", "{tick}", "Schedule ticks skipped because the previous scheduled run was still running.");
        _buffered = meter.CreateCounter<long>("resolute.schedule.ticks.buffered", "{tick}", "Schedule ticks held back until the previous scheduled run ended.");
    }

    /// <summary>Ticks started by this process.</summary>
    public long Started => Interlocked.Read(ref _startedTotal);

    /// <summary>Ticks skipped by this process.</summary>
    public long Skipped => Interlocked.Read(ref _skippedTotal);

    /// <summary>Ticks buffered by this process.</summary>
    public long Buffered => Interlocked.Read(ref _bufferedTotal);

    /// <summary>Counts a started tick.</summary>
    public void TickStarted(string flowName)
    {
        Interlocked.Increment(ref _startedTotal);
        _started.Add(1, new KeyValuePair<string, object?>(ResoluteAttributes.Flow, flowName));
    }

    /// <summary>Counts a skipped tick.</summary>
    public void TickSkipped(string flowName)
    {
        Interlocked.Increment(ref _skippedTotal);
        _skipped.Add(1, new KeyValuePair<string, object?>(ResoluteAttributes.Flow, flowName));
    }

    /// <summary>Counts a buffered tick.</summary>
    public void TickBuffered(string flowName)
    {
        Interlocked.Increment(ref _bufferedTotal);
        _buffered.Add(1, new KeyValuePair<string, object?>(ResoluteAttributes.Flow, flowName));
    }
}
