using Quartz;

namespace Resolute.Orchestration.Schedules;

/// <summary>A flow's schedule as its definition asks for it: one <see cref="ScheduleTriggerDefinition"/> per schedule trigger.</summary>
/// <param name="FlowName">The flow.</param>
/// <param name="Triggers">Its schedule triggers, in definition order.</param>
public sealed record FlowSchedule(string FlowName, IReadOnlyList<ScheduleTriggerDefinition> Triggers)
{
    /// <summary>The schedules of <paramref name="flows"/>: every flow with at least one valid <see cref="ScheduleTrigger"/>.</summary>
    public static IReadOnlyList<FlowSchedule> From(IEnumerable<Flow> flows, ScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentNullException.ThrowIfNull(options);
        var schedules = new List<FlowSchedule>();
        foreach (var flow in flows)
        {
            var triggers = flow.Triggers.OfType<ScheduleTrigger>()
                .Where(t => t.Problem is null && t.Expression is not null)
                .Select((t, i) => new ScheduleTriggerDefinition(ScheduleKeys.CronTrigger(flow.Name, i + 1), t, t.MisfireThreshold ?? options.MisfireThreshold))
                .ToList();
            if (triggers.Count > 0)
            {
                schedules.Add(new FlowSchedule(flow.Name, triggers));
            }
        }

        return schedules;
    }

    /// <summary>The next <paramref name="count"/> fire times after <paramref name="after"/>, merged over the triggers (a time two triggers share counts once).</summary>
    public IReadOnlyList<DateTimeOffset> NextFireTimes(DateTimeOffset after, int count)
    {
        var times = new SortedSet<DateTimeOffset>();
        foreach (var trigger in Triggers)
        {
            var cursor = after;
            for (var i = 0; i < count && trigger.Trigger.GetNextOccurrence(cursor) is { } next; i++)
            {
                times.Add(next.ToUniversalTime());
                cursor = next;
            }
        }

        return times.Take(count).ToList();
    }
}

/// <summary>One schedule trigger as a Quartz cron trigger.</summary>
/// <param name="Key">Its trigger key.</param>
/// <param name="Trigger">The definition's trigger.</param>
/// <param name="MisfireThreshold">Its misfire threshold (its own, else the orchestrator's default).</param>
public sealed record ScheduleTriggerDefinition(TriggerKey Key, ScheduleTrigger Trigger, TimeSpan MisfireThreshold)
{
    /// <summary>The Quartz misfire instruction of the trigger's misfire policy.</summary>
    public CronTriggerMisfireInstruction MisfireInstruction => Trigger.Misfire switch
    {
        ScheduleMisfire.Skip => CronTriggerMisfireInstruction.DoNothing,
        _ => CronTriggerMisfireInstruction.FireAndProceed,
    };

    /// <summary>The Quartz expression.</summary>
    public string QuartzCron => Trigger.Expression!.QuartzExpression;

    /// <summary>Builds the Quartz trigger for <paramref name="job"/>.</summary>
    public ITrigger Build(JobKey job) => TriggerBuilder.Create()
        .WithIdentity(Key)
        .ForJob(job)
        .WithDescription(Trigger.Describe())
        .UsingJobData(ScheduleKeys.Overlap, Trigger.Overlap.ToString())
        .UsingJobData(ScheduleKeys.Cron, Trigger.Cron)
        .WithCronSchedule(QuartzCron, c => c.InTimeZone(Trigger.TimeZone).WithMisfireInstruction(MisfireInstruction))
        .WithMisfireThreshold(MisfireThreshold)
        .Build();

    /// <summary>Whether <paramref name="stored"/> already is this trigger (same cron, zone, policies, threshold).</summary>
    public bool IsSameAs(ITrigger stored) =>
        stored is ICronTrigger cron
        && cron.CronExpressionString == QuartzCron
        && cron.TimeZone.Id == Trigger.TimeZone.Id
        && cron.MisfireInstruction == MisfireInstruction
        && cron.MisfireThreshold == MisfireThreshold
        && cron.JobDataMap.GetString(ScheduleKeys.Overlap) == Trigger.Overlap.ToString()
        && cron.JobDataMap.GetString(ScheduleKeys.Cron) == Trigger.Cron;
}
