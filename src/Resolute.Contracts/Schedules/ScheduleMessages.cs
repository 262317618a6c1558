namespace Resolute.Contracts;

/// <summary>
/// Request: pause the cron schedule(s) of a flow, on every orchestrator (the pause is stored with the schedule and kept
/// across restarts). Answered with <see cref="FlowScheduleStatus"/> or <see cref="FlowScheduleNotFound"/>.
/// </summary>
public sealed record PauseFlowSchedule
{
    /// <summary>The flow whose schedule pauses.</summary>
    public required string FlowName { get; init; }

    /// <summary>Why, for operators; recorded with the pause.</summary>
    public string? Reason { get; init; }
}

/// <summary>
/// Request: resume a paused schedule. Ticks missed while paused follow the schedule's misfire policy. Answered with
/// <see cref="FlowScheduleStatus"/> or <see cref="FlowScheduleNotFound"/>.
/// </summary>
public sealed record ResumeFlowSchedule
{
    /// <summary>The flow whose schedule resumes.</summary>
    public required string FlowName { get; init; }
}

/// <summary>Request: the schedules of every flow (or of one). Answered with <see cref="FlowScheduleList"/>.</summary>
public sealed record GetFlowSchedules
{
    /// <summary>Only this flow; null for all.</summary>
    public string? FlowName { get; init; }

    /// <summary>How many upcoming fire times to list per schedule (1–100). Default 5.</summary>
    public int NextFireTimes { get; init; } = 5;
}

/// <summary>Response: the schedules asked for.</summary>
public sealed record FlowScheduleList
{
    /// <summary>One entry per scheduled flow, by flow name.</summary>
    public required IReadOnlyList<FlowScheduleStatus> Schedules { get; init; }
}

/// <summary>Response: the state of one flow's schedule.</summary>
public sealed record FlowScheduleStatus
{
    /// <summary>The flow.</summary>
    public required string FlowName { get; init; }

    /// <summary>True when paused (<see cref="PauseFlowSchedule"/>): nothing fires until resumed.</summary>
    public bool Paused { get; init; }

    /// <summary>The flow's schedule triggers, as defined.</summary>
    public required IReadOnlyList<ScheduleTriggerInfo> Triggers { get; init; }

    /// <summary>
    /// The next times the schedule fires, earliest first, merged over its triggers (UTC). While paused these are the
    /// times it would fire once resumed.
    /// </summary>
    public required IReadOnlyList<DateTimeOffset> NextFireTimes { get; init; }

    /// <summary>True when a tick is waiting for the previous run to end (overlap policy BufferOne).</summary>
    public bool HasBufferedTick { get; init; }
}

/// <summary>One schedule trigger of a flow.</summary>
public sealed record ScheduleTriggerInfo
{
    /// <summary>The cron expression as written in the flow.</summary>
    public required string Cron { get; init; }

    /// <summary>The same expression in Quartz's notation, as stored in the job store.</summary>
    public required string QuartzCron { get; init; }

    /// <summary>The time zone id the expression is evaluated in.</summary>
    public required string TimeZone { get; init; }

    /// <summary>The overlap policy: <c>Skip</c>, <c>Allow</c> or <c>BufferOne</c>.</summary>
    public required string Overlap { get; init; }

    /// <summary>The misfire policy: <c>FireOnceOnRecovery</c> or <c>Skip</c>.</summary>
    public required string Misfire { get; init; }

    /// <summary>How late a tick may fire before it counts as missed.</summary>
    public TimeSpan MisfireThreshold { get; init; }
}

/// <summary>Response: the flow has no schedule on the orchestrator that answered.</summary>
public sealed record FlowScheduleNotFound
{
    /// <summary>The flow asked for.</summary>
    public required string FlowName { get; init; }
}
