using System.Globalization;

namespace Resolute.Scheduling;

/// <summary>
/// A parsed cron expression: the classic 5 fields (<c>minute hour day-of-month month day-of-week</c>, as in the
/// seed's <c>"0 */4 * * *"</c>) or 6 fields with a leading <c>second</c>. Supports <c>*</c>, <c>?</c>, lists,
/// ranges, steps, month and weekday names (<c>JAN</c>, <c>MON</c>), weekday 7 as Sunday, and the macros
/// <c>@yearly</c>, <c>@annually</c>, <c>@monthly</c>, <c>@weekly</c>, <c>@daily</c>, <c>@midnight</c>, <c>@hourly</c>.
/// When both day-of-month and day-of-week are restricted a day matches either (Vixie cron).
/// </summary>
public sealed class CronExpression
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly ulong _seconds;
    private readonly ulong _minutes;
    private readonly ulong _hours;
    private readonly ulong _daysOfMonth;
    private readonly ulong _months;
    private readonly ulong _daysOfWeek;
    private readonly bool _dayOfMonthRestricted;
    private readonly bool _dayOfWeekRestricted;

    private CronExpression(string text, bool hasSeconds, ulong seconds, ulong minutes, ulong hours, ulong daysOfMonth, ulong months, ulong daysOfWeek, bool domRestricted, bool dowRestricted)
    {
        Text = text;
        HasSeconds = hasSeconds;
        _seconds = seconds;
        _minutes = minutes;
        _hours = hours;
        _daysOfMonth = daysOfMonth;
        _months = months;
        _daysOfWeek = daysOfWeek;
        _dayOfMonthRestricted = domRestricted;
        _dayOfWeekRestricted = dowRestricted;
    }

    /// <summary>The expression as given.</summary>
    public string Text { get; }

    /// <summary>True for the 6-field form with a leading seconds field.</summary>
    public bool HasSeconds { get; }

    /// <summary>Parses an expression or throws <see cref="CronFormatException"/> naming the field and the reason.</summary>
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
            text = ExpandMacro(expression, text);
        }

        var parts = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is not (5 or 6))
        {
            throw new CronFormatException(expression, null,
                $"it has {parts.Length} field{(parts.Length == 1 ? "" : "s")}; expected 5 (minute hour day-of-month month day-of-week) or 6 (second minute hour day-of-month month day-of-week).");
        }

        var hasSeconds = parts.Length == 6;
        var offset = hasSeconds ? 1 : 0;
        var seconds = hasSeconds ? ParseField(expression, parts[0], "second", 0, 59, null, out _) : 1UL;
        var minutes = ParseField(expression, parts[offset], "minute", 0, 59, null, out _);
        var hours = ParseField(expression, parts[offset + 1], "hour", 0, 23, null, out _);
        var dom = ParseField(expression, parts[offset + 2], "day-of-month", 1, 31, null, out var domRestricted);
        var months = ParseField(expression, parts[offset + 3], "month", 1, 12, MonthNames, out _);
        var dow = ParseField(expression, parts[offset + 4], "day-of-week", 0, 7, DayNames, out var dowRestricted);
        if ((dow & (1UL << 7)) != 0)
        {
            // 7 is an alias of Sunday.
            dow = (dow & ~(1UL << 7)) | 1UL;
        }

        return new CronExpression(expression, hasSeconds, seconds, minutes, hours, dom, months, dow, domRestricted, dowRestricted);
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
    /// (UTC when null). Local times skipped by a daylight-saving jump do not fire; an ambiguous local time fires once.
    /// Returns null when nothing matches within ten years (for example 30 February).
    /// </summary>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after, TimeZoneInfo? timeZone = null)
    {
        var zone = timeZone ?? TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTime(after, zone).DateTime;
        // Start at the next whole second (or minute for the 5-field form).
        var candidate = HasSeconds
            ? new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, local.Second, DateTimeKind.Unspecified).AddSeconds(1)
            : new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified).AddMinutes(1);
        var limit = candidate.AddYears(10);

        while (candidate < limit)
        {
            if (!Has(_months, candidate.Month))
            {
                candidate = new DateTime(candidate.Year, candidate.Month, 1).AddMonths(1);
                continue;
            }

            if (!DayMatches(candidate))
            {
                candidate = candidate.Date.AddDays(1);
                continue;
            }

            if (!Has(_hours, candidate.Hour))
            {
                candidate = candidate.Date.AddHours(candidate.Hour + 1);
                continue;
            }

            if (!Has(_minutes, candidate.Minute))
            {
                candidate = candidate.Date.AddHours(candidate.Hour).AddMinutes(candidate.Minute + 1);
                continue;
            }

            if (!Has(_seconds, candidate.Second))
            {
                candidate = candidate.AddSeconds(1);
                continue;
            }

            if (zone.IsInvalidTime(candidate))
            {
                // Inside a daylight-saving gap: this local time does not exist.
                candidate = HasSeconds ? candidate.AddSeconds(1) : candidate.AddMinutes(1);
                continue;
            }

            var offset = zone.IsAmbiguousTime(candidate)
                ? zone.GetAmbiguousTimeOffsets(candidate).Max()
                : zone.GetUtcOffset(candidate);
            var result = new DateTimeOffset(candidate, offset);
            if (result > after)
            {
                return result;
            }

            candidate = HasSeconds ? candidate.AddSeconds(1) : candidate.AddMinutes(1);
        }

        return null;
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private bool DayMatches(DateTime day)
    {
        var domMatch = Has(_daysOfMonth, day.Day);
        var dowMatch = Has(_daysOfWeek, (int)day.DayOfWeek);
        if (_dayOfMonthRestricted && _dayOfWeekRestricted)
        {
            return domMatch || dowMatch;
        }

        return domMatch && dowMatch;
    }

    private static bool Has(ulong bits, int value) => (bits & (1UL << value)) != 0;

    private static string ExpandMacro(string expression, string text) => text.ToLowerInvariant() switch
    {
        "@yearly" or "@annually" => "0 0 1 1 *",
        "@monthly" => "0 0 1 * *",
        "@weekly" => "0 0 * * 0",
        "@daily" or "@midnight" => "0 0 * * *",
        "@hourly" => "0 * * * *",
        _ => throw new CronFormatException(expression, null,
            $"'{text}' is not a known macro; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly."),
    };

    private static ulong ParseField(string expression, string field, string fieldName, int min, int max, string[]? names, out bool restricted)
    {
        // As in Vixie cron, a field that starts with '*' (also '*/2') counts as unrestricted for the day-of-month /
        // day-of-week OR rule.
        restricted = !(field.StartsWith('*') || field == "?");
        if (field == "?" && fieldName is not ("day-of-month" or "day-of-week"))
        {
            throw new CronFormatException(expression, fieldName, "'?' is only allowed in the day-of-month and day-of-week fields.");
        }

        ulong bits = 0;
        foreach (var item in field.Split(','))
        {
            if (item.Length == 0)
            {
                throw new CronFormatException(expression, fieldName, $"'{field}' has an empty list item; separate values with single commas, e.g. '1,15'.");
            }

            bits |= ParseItem(expression, item, fieldName, min, max, names);
        }

        return bits;
    }

    private static ulong ParseItem(string expression, string item, string fieldName, int min, int max, string[]? names)
    {
        var rangePart = item;
        var step = 1;
        var slash = item.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            rangePart = item[..slash];
            var stepText = item[(slash + 1)..];
            if (!int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out step) || step <= 0)
            {
                throw new CronFormatException(expression, fieldName, $"step '{stepText}' in '{item}' must be a positive whole number.");
            }

            if (step > max)
            {
                throw new CronFormatException(expression, fieldName, $"step {step} in '{item}' is larger than the field's maximum {max}.");
            }
        }

        int from;
        int to;
        if (rangePart is "*" or "?")
        {
            from = min;
            to = max == 7 && fieldName == "day-of-week" ? 6 : max;
        }
        else
        {
            var dash = rangePart.IndexOf('-', StringComparison.Ordinal);
            if (dash >= 0)
            {
                from = ParseValue(expression, rangePart[..dash], item, fieldName, min, max, names);
                to = ParseValue(expression, rangePart[(dash + 1)..], item, fieldName, min, max, names);
                if (from > to)
                {
                    throw new CronFormatException(expression, fieldName, $"range '{rangePart}' runs backwards; write the smaller value first.");
                }
            }
            else
            {
                from = ParseValue(expression, rangePart, item, fieldName, min, max, names);
                // 'a/n' means from a to the end of the field (Saturday for day-of-week, not the Sunday alias 7).
                to = slash >= 0 ? (fieldName == "day-of-week" ? 6 : max) : from;
            }
        }

        ulong bits = 0;
        for (var v = from; v <= to; v += step)
        {
            bits |= 1UL << v;
        }

        return bits;
    }

    private static int ParseValue(string expression, string text, string item, string fieldName, int min, int max, string[]? names)
    {
        if (text.Length == 0)
        {
            throw new CronFormatException(expression, fieldName, $"'{item}' is missing a value.");
        }

        if (names is not null)
        {
            var index = Array.FindIndex(names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                return index + min;
            }
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            var hint = names is null ? "a number" : $"a number or a name ({string.Join(", ", names)})";
            throw new CronFormatException(expression, fieldName, $"'{text}' is not {hint}.");
        }

        if (value < min || value > max)
        {
            throw new CronFormatException(expression, fieldName, $"value {value} is out of range {min}-{max}.");
        }

        return value;
    }
}
