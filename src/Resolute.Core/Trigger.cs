using Resolute.Scheduling;

namespace Resolute;

/// <summary>What starts runs of a flow: a manual/API request or a cron schedule.</summary>
public abstract class Trigger
{
    private protected Trigger()
    {
    }

    /// <summary>Runs are started on request (client, CLI, or a <c>StartFlow</c> message). Seed: <c>core.Manual("api")</c>.</summary>
    /// <param name="id">A label for the entry point, e.g. <c>"api"</c>.</param>
    public static ManualTrigger Manual(string id = "manual")
    {
        ArgumentNullException.ThrowIfNull(id);
        return new ManualTrigger(id);
    }

    /// <summary>
    /// Runs start on a cron schedule. Accepts the 5-field form of the seed (<c>"0 */4 * * *"</c>) or 6 fields with
    /// seconds. An expression that does not parse is reported by <see cref="FlowBuilder.Build"/>, naming the field.
    /// </summary>
    /// <param name="cron">The cron expression.</param>
    /// <param name="timeZone">An IANA or Windows time-zone id; UTC when omitted.</param>
    public static ScheduleTrigger Schedule(string cron, string? timeZone = null)
    {
        ArgumentNullException.ThrowIfNull(cron);
        if (timeZone is null)
        {
            return new ScheduleTrigger(cron, TimeZoneInfo.Utc, null);
        }

        try
        {
            return new ScheduleTrigger(cron, TimeZoneInfo.FindSystemTimeZoneById(timeZone), null);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return new ScheduleTrigger(cron, TimeZoneInfo.Utc, $"time zone '{timeZone}' is not known on this machine ({e.Message}); use an IANA id such as 'Europe/Berlin' or omit it for UTC.");
        }
    }

    /// <summary>Runs start on a cron schedule evaluated in the given time zone.</summary>
    public static ScheduleTrigger Schedule(string cron, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(cron);
        ArgumentNullException.ThrowIfNull(timeZone);
        return new ScheduleTrigger(cron, timeZone, null);
    }

    /// <summary>A one-line description for plans and logs.</summary>
    public abstract string Describe();

    /// <inheritdoc />
    public override string ToString() => Describe();
}

/// <summary>A trigger for runs started on request.</summary>
public sealed class ManualTrigger : Trigger
{
    internal ManualTrigger(string id) => Id = id;

    /// <summary>The entry-point label, e.g. <c>"api"</c>.</summary>
    public string Id { get; }

    /// <inheritdoc />
    public override string Describe() => $"manual '{Id}'";
}

/// <summary>
/// A cron-scheduled trigger. Every orchestrator registers it with Quartz (clustered on the saga database, so each tick
/// fires once across replicas); a tick publishes <c>StartFlow</c> with a run id derived from the flow and the scheduled
/// fire time, so a tick never starts two runs. Options are set fluently and return a new trigger:
/// <code>Trigger.Schedule("*/30 * * * * *").WithOverlap(ScheduleOverlap.BufferOne).WithMisfire(ScheduleMisfire.Skip)</code>
/// </summary>
public sealed class ScheduleTrigger : Trigger
{
    internal ScheduleTrigger(string cron, TimeZoneInfo timeZone, string? timeZoneProblem)
    {
        Cron = cron;
        TimeZone = timeZone;
        if (timeZoneProblem is not null)
        {
            Problem = timeZoneProblem;
        }
        else if (CronExpression.TryParse(cron, out var expression, out var error))
        {
            Expression = expression;
            // Five or six fields have no year, so a date that matches none of 28 years of calendars matches none ever.
            if (expression!.GetNextOccurrence(DateTimeOffset.UnixEpoch, timeZone) is null)
            {
                Problem = $"Cron expression '{cron}' never fires: no date matches its day-of-month and month fields together (for example 30 February). Check those two fields.";
            }
        }
        else
        {
            Problem = error!.Message;
        }
    }

    private ScheduleTrigger(ScheduleTrigger source, ScheduleOverlap overlap, ScheduleMisfire misfire, TimeSpan? misfireThreshold, string? extraProblem)
    {
        Cron = source.Cron;
        TimeZone = source.TimeZone;
        Expression = source.Expression;
        Overlap = overlap;
        Misfire = misfire;
        MisfireThreshold = misfireThreshold;
        Problem = (source.Problem, extraProblem) switch
        {
            (null, var extra) => extra,
            (var own, null) => own,
            var (own, extra) => $"{own}; {extra}",
        };
    }

    /// <summary>The cron text as written.</summary>
    public string Cron { get; }

    /// <summary>The time zone the schedule is evaluated in.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>The parsed expression; null when <see cref="Problem"/> is set.</summary>
    public CronExpression? Expression { get; }

    /// <summary>What a tick does while the previous scheduled run of the flow is still running. Default <see cref="ScheduleOverlap.Skip"/>.</summary>
    public ScheduleOverlap Overlap { get; } = ScheduleOverlap.Skip;

    /// <summary>What happens to ticks missed while no orchestrator was running. Default <see cref="ScheduleMisfire.FireOnceOnRecovery"/>.</summary>
    public ScheduleMisfire Misfire { get; } = ScheduleMisfire.FireOnceOnRecovery;

    /// <summary>
    /// How late a tick may still fire as itself before it counts as missed (and <see cref="Misfire"/> applies); null for the
    /// orchestrator's default (<c>ScheduleOptions.MisfireThreshold</c>, 5 s).
    /// </summary>
    public TimeSpan? MisfireThreshold { get; }

    /// <summary>Why the schedule is invalid (reported by <see cref="FlowBuilder.Build"/>), or null.</summary>
    public string? Problem { get; }

    /// <summary>A copy of this trigger with the overlap policy <paramref name="overlap"/>.</summary>
    public ScheduleTrigger WithOverlap(ScheduleOverlap overlap)
    {
        var problem = Enum.IsDefined(overlap) ? null : $"overlap policy {(int)overlap} is not one of Skip, Allow, BufferOne.";
        return new ScheduleTrigger(this, overlap, Misfire, MisfireThreshold, problem);
    }

    /// <summary>A copy of this trigger with the misfire policy <paramref name="misfire"/>.</summary>
    public ScheduleTrigger WithMisfire(ScheduleMisfire misfire)
    {
        var problem = Enum.IsDefined(misfire) ? null : $"misfire policy {(int)misfire} is not one of FireOnceOnRecovery, Skip.";
        return new ScheduleTrigger(this, Overlap, misfire, MisfireThreshold, problem);
    }

    /// <summary>
    /// A copy of this trigger whose ticks count as missed once they are later than <paramref name="threshold"/> (whole
    /// milliseconds, positive). A later tick is not started late as itself: <see cref="Misfire"/> decides.
    /// </summary>
    public ScheduleTrigger WithMisfireThreshold(TimeSpan threshold)
    {
        var problem = threshold >= TimeSpan.FromMilliseconds(1) ? null : $"misfire threshold {threshold} must be at least 1 ms.";
        return new ScheduleTrigger(this, Overlap, Misfire, threshold, problem);
    }

    /// <summary>The next time this schedule fires after <paramref name="after"/>.</summary>
    /// <exception cref="InvalidOperationException">The schedule is invalid.</exception>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after)
    {
        if (Expression is null || Problem is not null)
        {
            throw new InvalidOperationException(Problem);
        }

        return Expression.GetNextOccurrence(after, TimeZone);
    }

    /// <inheritdoc />
    public override string Describe()
    {
        var options = new List<string>();
        if (Overlap != ScheduleOverlap.Skip)
        {
            options.Add($"overlap {Overlap}");
        }

        if (Misfire != ScheduleMisfire.FireOnceOnRecovery)
        {
            options.Add($"misfire {Misfire}");
        }

        if (MisfireThreshold is { } threshold)
        {
            options.Add($"misfire threshold {threshold.TotalMilliseconds:0} ms");
        }

        return $"schedule '{Cron}' ({TimeZone.Id}{string.Concat(options.Select(o => ", " + o))})";
    }
}

/// <summary>What a schedule tick does while the previous scheduled run of the same flow is still running.</summary>
public enum ScheduleOverlap
{
    /// <summary>Start nothing; the tick is logged and counted as skipped. The default.</summary>
    Skip,

    /// <summary>Start a run anyway: scheduled runs of the flow may overlap.</summary>
    Allow,

    /// <summary>
    /// Remember the tick (at most one; later ticks while one is remembered are skipped) and start it as soon as the
    /// previous run has ended.
    /// </summary>
    BufferOne,
}

/// <summary>What happens to ticks that were missed because no orchestrator was running (or all were late by more than the misfire threshold).</summary>
public enum ScheduleMisfire
{
    /// <summary>
    /// Start one run on recovery for all the ticks missed, keyed by the recovery time, then continue on schedule.
    /// The default.
    /// </summary>
    FireOnceOnRecovery,

    /// <summary>Start nothing for the missed ticks; continue with the next tick on schedule.</summary>
    Skip,
}
