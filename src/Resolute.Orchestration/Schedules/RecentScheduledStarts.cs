using System.Collections.Concurrent;

namespace Resolute.Orchestration.Schedules;

/// <summary>
/// The last tick this process started, per flow, beside the copy Quartz keeps in the job's data. The job data is what
/// another replica sees; this one closes the gap when the next tick comes before Quartz has stored the previous
/// execution's data (seen in the overlap scenario: a tick 0.7 s behind the first one did not see it), so that a tick
/// fired by the same process always sees the start it made itself.
/// </summary>
public sealed class RecentScheduledStarts
{
    private readonly ConcurrentDictionary<string, LastScheduledStart> _starts = new(StringComparer.Ordinal);

    /// <summary>Records a start.</summary>
    public void Record(string flowName, LastScheduledStart start) =>
        _starts.AddOrUpdate(flowName, start, (_, known) => start.StartedAt >= known.StartedAt ? start : known);

    /// <summary>The later of <paramref name="fromJobData"/> and what this process recorded for <paramref name="flowName"/>.</summary>
    public LastScheduledStart? Latest(string flowName, LastScheduledStart? fromJobData) =>
        _starts.TryGetValue(flowName, out var recorded) && (fromJobData is null || recorded.StartedAt > fromJobData.StartedAt)
            ? recorded
            : fromJobData;
}
