namespace Resolute.Orchestration.Schedules;

/// <summary>What a tick does.</summary>
public enum TickDecision
{
    /// <summary>Publish the tick's <c>StartFlow</c>.</summary>
    Start,

    /// <summary>Start nothing; log and count the tick as skipped.</summary>
    Skip,

    /// <summary>Remember the tick and start it when the previous run has ended.</summary>
    Buffer,
}

/// <summary>The last tick a schedule started.</summary>
/// <param name="RunId">Its run id.</param>
/// <param name="StartedAt">When its <c>StartFlow</c> was published.</param>
public sealed record LastScheduledStart(Guid RunId, DateTimeOffset StartedAt);

/// <summary>
/// The overlap rule of a tick, pure so it is tested without Quartz or a database. A previous scheduled run counts as
/// running when its row is Pending/Running/Compensating — or when the last tick's <c>StartFlow</c> was published less than
/// the pending-start window ago and its row does not exist yet (the start is still queued: without this, a tick right
/// behind a slow start would overlap it).
/// </summary>
public static class OverlapPolicy
{
    /// <summary>Whether a previous scheduled run of the flow is still running.</summary>
    public static bool PreviousRunIsRunning(ScheduledRunActivity activity, LastScheduledStart? last, DateTimeOffset now, TimeSpan pendingStartWindow)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.ActiveRuns > 0)
        {
            return true;
        }

        return last is not null && !activity.LastRunExists && now - last.StartedAt < pendingStartWindow;
    }

    /// <summary>
    /// The decision for a tick under <paramref name="overlap"/>. <paramref name="bufferTaken"/>: a tick is already
    /// buffered (BufferOne holds one at most; a further tick is skipped).
    /// </summary>
    public static TickDecision Decide(ScheduleOverlap overlap, bool previousRunIsRunning, bool bufferTaken) => overlap switch
    {
        ScheduleOverlap.Allow => TickDecision.Start,
        _ when !previousRunIsRunning => TickDecision.Start,
        ScheduleOverlap.BufferOne when !bufferTaken => TickDecision.Buffer,
        _ => TickDecision.Skip,
    };
}
