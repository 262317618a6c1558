namespace Resolute.Orchestration.Schedules;

/// <summary>
/// Settings of the orchestrator's schedule runner (Quartz, clustered on the saga database). Per-schedule policies live
/// on the trigger (<see cref="ScheduleTrigger.WithOverlap"/>, <see cref="ScheduleTrigger.WithMisfire"/>,
/// <see cref="ScheduleTrigger.WithMisfireThreshold"/>).
/// </summary>
public sealed class ScheduleOptions
{
    /// <summary>
    /// How late a tick may fire before it counts as missed, for schedules that set no threshold of their own. A tick later
    /// than this (every orchestrator was down, or all were stalled) is not started as itself: the schedule's misfire
    /// policy decides. Default 5 s.
    /// </summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often each orchestrator records in the database that it is alive. A replica that stops checking in is
    /// presumed dead after this plus <see cref="ClusterCheckinMisfireThreshold"/>, and its claimed ticks are fired by
    /// another. Default 5 s.
    /// </summary>
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long past a missed check-in the others wait before treating a replica as dead. Default 5 s.</summary>
    public TimeSpan ClusterCheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a tick's run whose <c>StartFlow</c> has been published but whose run row does not exist yet counts as still
    /// running for the overlap policy (the start may wait in the queue). It also bounds how long a start that never
    /// arrives (the in-memory transport loses messages when the process stops) holds later ticks back. Default 1 min.
    /// </summary>
    public TimeSpan PendingStartWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often a tick held back by <see cref="ScheduleOverlap.BufferOne"/> looks whether the previous run has ended.
    /// Default 1 s.
    /// </summary>
    public TimeSpan BufferedTickRecheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Checks the settings; called by <c>AddResolute</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A duration is not positive (or below Quartz's minimum).</exception>
    public void Validate()
    {
        Positive(MisfireThreshold, nameof(MisfireThreshold), TimeSpan.FromMilliseconds(1));
        Positive(ClusterCheckinInterval, nameof(ClusterCheckinInterval), TimeSpan.FromMilliseconds(100));
        Positive(ClusterCheckinMisfireThreshold, nameof(ClusterCheckinMisfireThreshold), TimeSpan.FromMilliseconds(100));
        Positive(PendingStartWindow, nameof(PendingStartWindow), TimeSpan.FromMilliseconds(1));
        Positive(BufferedTickRecheckInterval, nameof(BufferedTickRecheckInterval), TimeSpan.FromMilliseconds(10));
    }

    private static void Positive(TimeSpan value, string name, TimeSpan minimum)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(name, value, $"ScheduleOptions.{name} must be at least {minimum.TotalMilliseconds:0} ms.");
        }
    }
}
