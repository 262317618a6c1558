using QuartzCron = Quartz.CronExpression;
using QuartzCronFormat = Quartz.CronFormat;

namespace Resolute.Scheduling;

/// <summary>
/// A cron expression of a schedule, parsed and evaluated by Quartz — the library that fires schedules — so that what
/// a listing shows and what fires are the same thing.
/// </summary>
/// <remarks>
/// <para>Two forms are accepted:</para>
/// <list type="bullet">
/// <item><description>the classic 5 fields <c>minute hour day-of-month month day-of-week</c> (the seed's
/// <c>"0 */4 * * *"</c>), read as crontab(5) reads them: day-of-week 0–7 with 0 and 7 Sunday, names such as
/// <c>MON</c> and <c>JAN</c>, and the macros <c>@yearly</c>, <c>@annually</c>, <c>@monthly</c>, <c>@weekly</c>,
/// <c>@daily</c>, <c>@midnight</c>, <c>@hourly</c>;</description></item>
/// <item><description>6 fields: a leading <c>second</c>, then the same 5 fields read the same way (so day-of-week
/// numbers mean the same days in both forms).</description></item>
/// </list>
/// <para>When both day-of-month and day-of-week are restricted a day matches either (crontab's rule). A field written
/// <c>*</c> or <c>?</c> restricts nothing. Quartz's own extensions (<c>L</c>, <c>W</c>, <c>#</c>) and its wrap-around
/// ranges (<c>22-2</c> in the hour field is 22, 23, 0, 1, 2) are accepted as Quartz reads them.</para>
/// <para>Daylight saving (Quartz's rules): a local time skipped by a spring-forward jump fires at the end of the gap,
/// the instant the clocks moved; a local time repeated by a fall-back fires once.</para>
/// </remarks>
public sealed class CronExpression
{
    private static readonly string[] FiveFieldNames = ["minute", "hour", "day-of-month", "month", "day-of-week"];

    private static readonly string[] Macros = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

    private readonly QuartzCron _quartz;

    private CronExpression(string text, bool hasSeconds, QuartzCron quartz)
    {
        Text = text;
        HasSeconds = hasSeconds;
        _quartz = quartz;
    }

    /// <summary>The expression as given.</summary>
    public string Text { get; }

    /// <summary>True for the 6-field form with a leading seconds field.</summary>
    public bool HasSeconds { get; }

    /// <summary>
    /// The same schedule in Quartz's own notation (seconds first, day-of-week 1–7 from Sunday, <c>?</c> in an
    /// unrestricted day field), as the job store holds it: <c>"0 */4 * * *"</c> is <c>"0 0 */4 * * ?"</c>.
    /// </summary>
    public string QuartzExpression => _quartz.CronExpressionString;

    /// <summary>Parses an expression or throws <see cref="CronFormatException"/> naming the field and the reason.</summary>
    /// <exception cref="CronFormatException">The expression does not parse.</exception>
    public static CronExpression Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var text = expression.Trim();
        if (text.Length == 0)
        {
            throw new CronFormatException(expression, null, "it is empty; expected 5 fields (minute hour day-of-month month day-of-week) or 6 with a leading second.");
        }

        if (text.StartsWith('@'))
        {
            if (!Macros.Contains(text, StringComparer.OrdinalIgnoreCase))
            {
                throw new CronFormatException(expression, null,
                    $"'{text}' is not a known macro; use {string.Join(", ", Macros[..^1])} or {Macros[^1]}.");
            }

            return new CronExpression(expression, false, QuartzCron.Parse(text.ToLowerInvariant(), QuartzCronFormat.Unix));
        }

        var fields = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is not (5 or 6))
        {
            throw new CronFormatException(expression, null,
                $"it has {fields.Length} field{(fields.Length == 1 ? "" : "s")}; expected 5 (minute hour day-of-month month day-of-week) or 6 (second minute hour day-of-month month day-of-week).");
        }

        var hasSeconds = fields.Length == 6;
        var unixFields = hasSeconds ? fields[1..] : fields;
        if (hasSeconds)
        {
            // The seconds field alone, in Quartz's notation, to name it when it is the bad one.
            Check(expression, "second", fields[0], () => QuartzCron.Parse($"{fields[0]} * * * * ?"));
        }

        for (var i = 0; i < 5; i++)
        {
            var probe = Enumerable.Repeat("*", 5).ToArray();
            probe[i] = unixFields[i];
            Check(expression, FiveFieldNames[i], unixFields[i], () => QuartzCron.Parse(string.Join(' ', probe), QuartzCronFormat.Unix));
        }

        // Every field is fine on its own; the whole can still be refused (Quartz checks some combinations).
        QuartzCron quartz = null!;
        Check(expression, null, null, () => quartz = QuartzCron.Parse(string.Join(' ', unixFields), QuartzCronFormat.Unix));
        if (hasSeconds)
        {
            // Quartz's canonical form starts with the second Unix parsing put there (0): put the given one instead.
            var canonical = quartz.CronExpressionString.Split(' ');
            canonical[0] = fields[0];
            var withSeconds = string.Join(' ', canonical);
            Check(expression, null, null, () => quartz = QuartzCron.Parse(withSeconds));
        }

        return new CronExpression(expression, hasSeconds, quartz);
    }

    /// <summary>Parses an expression; on failure returns false and the reason in <paramref name="error"/>.</summary>
    public static bool TryParse(string expression, out CronExpression? result, out CronFormatException? error)
    {
        try
        {
            result = Parse(expression);
            error = null;
            return true;
        }
        catch (CronFormatException e)
        {
            result = null;
            error = e;
            return false;
        }
    }

    /// <summary>
    /// The first occurrence strictly after <paramref name="after"/>, evaluated in <paramref name="timeZone"/>
    /// (UTC when null); null when the expression never fires again (for example 30 February).
    /// </summary>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after, TimeZoneInfo? timeZone = null) =>
        _quartz.WithTimeZone(timeZone ?? TimeZoneInfo.Utc).GetNextValidTimeAfter(after);

    /// <inheritdoc />
    public override string ToString() => Text;

    // Runs one Quartz parse; its refusal becomes ours, naming the field and quoting what was written there.
    private static void Check(string expression, string? field, string? fieldText, Action parse)
    {
        try
        {
            parse();
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            var reason = e.Message.Trim();
            reason = reason.EndsWith('.') ? reason : reason + ".";
            throw new CronFormatException(expression, field, fieldText is null ? reason : $"'{fieldText}': {reason}");
        }
    }
}
