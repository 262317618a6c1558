using Quartz;

namespace Resolute.Orchestration.Schedules;

/// <summary>
/// Where Resolute's schedules live in Quartz: one durable job per flow in the group <see cref="JobGroup"/>, its cron
/// triggers named <c>cron-1</c>, <c>cron-2</c>, ... (one per schedule trigger of the flow) and at most one buffered-tick
/// trigger, all in the flow's own trigger group. Pausing a schedule pauses that group: Quartz records the paused group,
/// so triggers stored into it later (a changed cron, a buffered tick) are created paused, across restarts.
/// </summary>
public static class ScheduleKeys
{
    /// <summary>
    /// The Quartz scheduler name every orchestrator of a deployment shares (the cluster is per name and database). The
    /// scheduler is registered under this name (<c>AddQuartz(name, ...)</c>), so its services are keyed by it.
    /// </summary>
    public const string SchedulerName = "resolute";

    /// <summary>The job group of flow schedules. Jobs in it that no registered flow schedules are deleted at start-up.</summary>
    public const string JobGroup = "resolute-schedules";

    /// <summary>The name of the trigger that re-checks a buffered tick.</summary>
    public const string BufferedTriggerName = "buffered-tick";

    /// <summary>Job data: the flow name.</summary>
    public const string FlowName = "flow";

    /// <summary>Job data: the run id of the last tick started.</summary>
    public const string LastRunId = "last-run-id";

    /// <summary>Job data: when the last tick's <c>StartFlow</c> was published (UTC, round-trip format).</summary>
    public const string LastStartedAt = "last-started-at";

    /// <summary>Trigger data: the overlap policy of a cron trigger.</summary>
    public const string Overlap = "overlap";

    /// <summary>Trigger data: the cron text as written in the flow (a cron trigger).</summary>
    public const string Cron = "cron";

    /// <summary>Trigger data: the scheduled fire time of the buffered tick (buffered-tick trigger).</summary>
    public const string BufferedTick = "buffered-tick";

    /// <summary>The job of <paramref name="flowName"/>.</summary>
    public static JobKey Job(string flowName) => new(flowName, JobGroup);

    /// <summary>The trigger group of <paramref name="flowName"/>.</summary>
    public static string TriggerGroup(string flowName) => $"{JobGroup}/{flowName}";

    /// <summary>The cron trigger of the <paramref name="index"/>-th (from 1) schedule trigger of <paramref name="flowName"/>.</summary>
    public static TriggerKey CronTrigger(string flowName, int index) => new($"cron-{index}", TriggerGroup(flowName));

    /// <summary>The buffered-tick trigger of <paramref name="flowName"/>.</summary>
    public static TriggerKey BufferedTrigger(string flowName) => new(BufferedTriggerName, TriggerGroup(flowName));
}
