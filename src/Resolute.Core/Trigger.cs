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

/// <summary>A cron-scheduled trigger.</summary>
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
        }
        else
        {
            Problem = error!.Message;
        }
    }

    /// <summary>The cron text as written.</summary>
    public string Cron { get; }

    /// <summary>The time zone the schedule is evaluated in.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>The parsed expression; null when <see cref="Problem"/> is set.</summary>
    public CronExpression? Expression { get; }

    /// <summary>Why the schedule is invalid (reported by <see cref="FlowBuilder.Build"/>), or null.</summary>
    public string? Problem { get; }

    /// <summary>The next time this schedule fires after <paramref name="after"/>.</summary>
    /// <exception cref="InvalidOperationException">The schedule is invalid.</exception>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after)
    {
        if (Expression is null)
        {
            throw new InvalidOperationException(Problem);
        }

        return Expression.GetNextOccurrence(after, TimeZone);
    }

    /// <inheritdoc />
    public override string Describe() => $"schedule '{Cron}' ({TimeZone.Id})";
}
