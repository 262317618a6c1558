using Resolute.Scheduling;

namespace Resolute.Tests.Scheduling;

[Trait("Area", "Triggers")]
public sealed class CronExpressionTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    /// <summary>The next <paramref name="count"/> occurrences after <paramref name="from"/>.</summary>
    private static List<DateTimeOffset> Next(string cron, DateTimeOffset from, int count, TimeZoneInfo? zone = null)
    {
        var expression = CronExpression.Parse(cron);
        var result = new List<DateTimeOffset>();
        var cursor = from;
        for (var i = 0; i < count; i++)
        {
            var next = expression.GetNextOccurrence(cursor, zone);
            Assert.NotNull(next);
            result.Add(next.Value);
            cursor = next.Value;
        }

        return result;
    }

    // ---- parsing ----------------------------------------------------------------------------------------------

    [Fact]
    public void Five_field_form_parses_without_seconds()
    {
        var expression = CronExpression.Parse("0 */4 * * *");

        Assert.False(expression.HasSeconds);
        Assert.Equal("0 */4 * * *", expression.Text);
        Assert.Equal("0 */4 * * *", expression.ToString());
    }

    [Fact]
    public void Six_field_form_has_a_leading_second()
    {
        var expression = CronExpression.Parse("*/10 * * * * *");

        Assert.True(expression.HasSeconds);
        Assert.Equal(Utc(2025, 1, 1, 12, 0, 10), expression.GetNextOccurrence(Utc(2025, 1, 1, 12, 0, 3)));
        Assert.Equal(Utc(2025, 1, 1, 12, 1, 0), expression.GetNextOccurrence(Utc(2025, 1, 1, 12, 0, 50)));
    }

    [Fact]
    public void Six_field_form_fires_at_the_given_second()
    {
        Assert.Equal(Utc(2025, 1, 1, 12, 0, 30), CronExpression.Parse("30 0 12 * * *").GetNextOccurrence(Utc(2025, 1, 1, 11, 0, 0)));
    }

    [Fact]
    public void Five_field_form_fires_on_whole_minutes()
    {
        var next = CronExpression.Parse("* * * * *").GetNextOccurrence(new DateTimeOffset(2025, 1, 1, 12, 0, 30, 500, TimeSpan.Zero));

        Assert.Equal(Utc(2025, 1, 1, 12, 1), next);
    }

    [Fact]
    public void Extra_whitespace_between_fields_is_accepted()
    {
        Assert.Equal(Utc(2025, 1, 1, 4), CronExpression.Parse("  0\t*/4  * * *  ").GetNextOccurrence(Utc(2025, 1, 1, 1)));
    }

    [Theory]
    [InlineData("@yearly", "0 0 1 1 *")]
    [InlineData("@annually", "0 0 1 1 *")]
    [InlineData("@monthly", "0 0 1 * *")]
    [InlineData("@weekly", "0 0 * * 0")]
    [InlineData("@daily", "0 0 * * *")]
    [InlineData("@midnight", "0 0 * * *")]
    [InlineData("@hourly", "0 * * * *")]
    [InlineData("@DAILY", "0 0 * * *")]
    public void Macros_mean_their_five_field_expansion(string macro, string expansion)
    {
        var from = Utc(2025, 6, 18, 13, 27);

        Assert.Equal(Next(expansion, from, 3), Next(macro, from, 3));
        Assert.Equal(macro, CronExpression.Parse(macro).Text);
    }

    [Fact]
    public void Unknown_macro_is_rejected_naming_the_known_ones()
    {
        var error = Assert.Throws<CronFormatException>(() => CronExpression.Parse("@fortnightly"));

        Assert.Null(error.Field);
        Assert.Contains("'@fortnightly' is not a known macro", error.Reason, StringComparison.Ordinal);
        Assert.Contains("@hourly", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Month_and_weekday_names_are_accepted_in_any_case()
    {
        var byName = Next("0 9 * jan,Jul MON-fri", Utc(2025, 6, 28), 3);
        var byNumber = Next("0 9 * 1,7 1-5", Utc(2025, 6, 28), 3);

        Assert.Equal(byNumber, byName);
        Assert.Equal([Utc(2025, 7, 1, 9), Utc(2025, 7, 2, 9), Utc(2025, 7, 3, 9)], byName);
    }

    [Fact]
    public void Weekday_seven_is_Sunday()
    {
        // 2025-06-18 is a Wednesday; the next Sunday is the 22nd.
        Assert.Equal(Next("0 0 * * 0", Utc(2025, 6, 18), 2), Next("0 0 * * 7", Utc(2025, 6, 18), 2));
        Assert.Equal(Utc(2025, 6, 22), CronExpression.Parse("0 0 * * 7").GetNextOccurrence(Utc(2025, 6, 18)));
        Assert.Equal(Utc(2025, 6, 22), CronExpression.Parse("0 0 * * SUN").GetNextOccurrence(Utc(2025, 6, 18)));
    }

    [Fact]
    public void Weekday_range_up_to_seven_includes_Sunday()
    {
        Assert.Equal(
            [Utc(2025, 6, 20), Utc(2025, 6, 21), Utc(2025, 6, 22), Utc(2025, 6, 27)],
            Next("0 0 * * 5-7", Utc(2025, 6, 18), 4));
    }

    [Fact]
    public void Minute_ranges_with_steps_lists_and_start_steps()
    {
        var from = Utc(2025, 1, 1, 10);

        Assert.Equal([5, 10, 15, 20, 5], Next("5-20/5 * * * *", from, 5).Select(d => d.Minute));
        Assert.Equal([10, 30, 50, 10], Next("10/20 * * * *", from, 4).Select(d => d.Minute));
        Assert.Equal([7, 19, 42, 7], Next("42,7,19 * * * *", from, 4).Select(d => d.Minute));
    }

    [Fact]
    public void Hour_lists_and_ranges_combine()
    {
        Assert.Equal(
            [Utc(2025, 1, 1, 8), Utc(2025, 1, 1, 9), Utc(2025, 1, 1, 10), Utc(2025, 1, 1, 14), Utc(2025, 1, 2, 8)],
            Next("0 8-10,14 * * *", Utc(2025, 1, 1), 5));
    }

    [Fact]
    public void Question_mark_means_any_day()
    {
        Assert.Equal(Next("0 0 1 * *", Utc(2025, 6, 25), 3), Next("0 0 1 * ?", Utc(2025, 6, 25), 3));
    }

    [Fact]
    public void TryParse_returns_the_expression_or_the_error()
    {
        Assert.True(CronExpression.TryParse("0 * * * *", out var expression, out var none));
        Assert.NotNull(expression);
        Assert.Null(none);

        Assert.False(CronExpression.TryParse("0 * * *", out var nothing, out var error));
        Assert.Null(nothing);
        Assert.NotNull(error);
        Assert.Equal("0 * * *", error.Expression);
    }

    // The reasons are Quartz's (it parses); we name the field and quote what was written in it.
    [Theory]
    [InlineData("61 * * * *", "minute", "'61': Minute and Second values must be between 0 and 59")]
    [InlineData("-1 * * * *", "minute", "'-1': ")]
    [InlineData("0 24 * * *", "hour", "'24': Hour values must be between 0 and 23")]
    [InlineData("0 */0 * * *", "hour", "'*/0': A step of 0 is not a step")]
    [InlineData("0 */25 * * *", "hour", "'*/25': Increment > 23")]
    [InlineData("0 0 0 * *", "day-of-month", "'0': Day of month values must be between 1 and 31")]
    [InlineData("0 0 32 * *", "day-of-month", "'32': Day of month values must be between 1 and 31")]
    [InlineData("0 0 1 13 *", "month", "'13': Month values must be between 1 and 12")]
    [InlineData("0 0 1 FOO *", "month", "'FOO': ")]
    [InlineData("0 0 * * 8", "day-of-week", "'8': '8' is not a day of the week")]
    [InlineData("0 0 * * FUN", "day-of-week", "'FUN': Invalid Day-of-Week value: 'FUN'")]
    [InlineData("? * * * *", "minute", "'?': '?' can only be specified for Day-of-Month")]
    [InlineData("x * * * * *", "second", "'x': ")]
    [InlineData("60 * * * * *", "second", "'60': Minute and Second values must be between 0 and 59")]
    [InlineData("0 JAN * * *", "hour", "'JAN': Illegal characters for this position")]
    [InlineData("0 0 12 * * 8", "day-of-week", "'8': '8' is not a day of the week")]
    public void Invalid_field_names_the_field_and_the_reason(string cron, string field, string reasonStart)
    {
        var error = Assert.Throws<CronFormatException>(() => CronExpression.Parse(cron));

        Assert.Equal(field, error.Field);
        Assert.StartsWith(reasonStart, error.Reason, StringComparison.Ordinal);
        Assert.Matches(@"^'[^']*': \S", error.Reason);
        Assert.Equal(cron, error.Expression);
        Assert.Equal($"Cron expression '{cron}' is invalid in the {field} field: {error.Reason}", error.Message);
        Assert.IsAssignableFrom<FormatException>(error);
    }

    [Theory]
    [InlineData("0 0 * * 5-1", "0 0 0 ? * FRI-MON")]
    [InlineData("0 22-2 * * *", "0 0 22-2 * * ?")]
    public void Backward_ranges_wrap_around_as_Quartz_reads_them(string cron, string quartz)
    {
        Assert.Equal(quartz, CronExpression.Parse(cron).QuartzExpression);
    }

    [Fact]
    public void Wrapped_hour_range_fires_through_midnight()
    {
        Assert.Equal(
            [Utc(2025, 1, 1, 22), Utc(2025, 1, 1, 23), Utc(2025, 1, 2, 0), Utc(2025, 1, 2, 1), Utc(2025, 1, 2, 2), Utc(2025, 1, 2, 22)],
            Next("0 22-2 * * *", Utc(2025, 1, 1, 12), 6));
    }

    [Theory]
    [InlineData("0 */4 * * *", "0 0 */4 * * ?")]
    [InlineData("30 4 * * 1", "0 30 4 ? * MON")]
    [InlineData("30 4 * * 0", "0 30 4 ? * SUN")]
    [InlineData("30 4 * * 7", "0 30 4 ? * SUN")]
    [InlineData("*/2 * * * * *", "*/2 * * * * ?")]
    [InlineData("15 30 4 * * 1", "15 30 4 ? * MON")]
    public void Translation_to_Quartz_notation(string cron, string quartz)
    {
        Assert.Equal(quartz, CronExpression.Parse(cron).QuartzExpression);
    }

    [Fact]
    public void Six_field_form_numbers_weekdays_as_the_five_field_form()
    {
        // 1 is Monday in both forms (Quartz's own notation would read 1 as Sunday).
        Assert.Equal(CronExpression.Parse("0 0 * * 1").GetNextOccurrence(Utc(2025, 6, 18)), CronExpression.Parse("0 0 0 * * 1").GetNextOccurrence(Utc(2025, 6, 18)));
        Assert.Equal(Utc(2025, 6, 22), CronExpression.Parse("0 0 0 * * 0").GetNextOccurrence(Utc(2025, 6, 18)));
        Assert.Equal(Utc(2025, 6, 22), CronExpression.Parse("0 0 0 * * 7").GetNextOccurrence(Utc(2025, 6, 18)));
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("   ", "it is empty")]
    [InlineData("0 * * *", "it has 4 fields")]
    [InlineData("*", "it has 1 field;")]
    [InlineData("0 0 0 * * * *", "it has 7 fields")]
    public void Wrong_field_count_is_rejected_for_the_whole_expression(string cron, string reason)
    {
        var error = Assert.Throws<CronFormatException>(() => CronExpression.Parse(cron));

        Assert.Null(error.Field);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.Contains("expected 5", error.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"Cron expression '{cron}' is invalid: ", error.Message, StringComparison.Ordinal);
    }

    // ---- next occurrence --------------------------------------------------------------------------------------

    [Fact]
    public void Every_four_hours_from_a_fixed_instant()
    {
        var expression = CronExpression.Parse("0 */4 * * *");

        Assert.Equal(Utc(2025, 3, 10, 8), expression.GetNextOccurrence(Utc(2025, 3, 10, 5, 17)));
        Assert.Equal(
            [Utc(2025, 3, 10, 8), Utc(2025, 3, 10, 12), Utc(2025, 3, 10, 16), Utc(2025, 3, 10, 20), Utc(2025, 3, 11, 0)],
            Next("0 */4 * * *", Utc(2025, 3, 10, 5, 17), 5));
    }

    [Fact]
    public void Next_occurrence_is_strictly_after_the_given_instant()
    {
        Assert.Equal(Utc(2025, 3, 10, 12), CronExpression.Parse("0 */4 * * *").GetNextOccurrence(Utc(2025, 3, 10, 8)));
    }

    [Fact]
    public void Hourly_rolls_over_the_end_of_the_year()
    {
        Assert.Equal(Utc(2026, 1, 1), CronExpression.Parse("0 * * * *").GetNextOccurrence(Utc(2025, 12, 31, 23, 0, 1)));
    }

    [Fact]
    public void Monthly_on_the_thirty_first_skips_short_months()
    {
        Assert.Equal(
            [Utc(2025, 1, 31), Utc(2025, 3, 31), Utc(2025, 5, 31)],
            Next("0 0 31 * *", Utc(2025, 1, 1), 3));
    }

    [Fact]
    public void Instant_with_an_offset_is_compared_as_an_instant()
    {
        // 05:17 at +02:00 is 03:17 UTC: the next 4-hourly UTC slot is 04:00 UTC.
        var next = CronExpression.Parse("0 */4 * * *").GetNextOccurrence(new DateTimeOffset(2025, 3, 10, 5, 17, 0, TimeSpan.FromHours(2)));

        Assert.Equal(Utc(2025, 3, 10, 4), next);
    }

    [Fact]
    public void Day_of_month_or_day_of_week_when_both_are_restricted()
    {
        // 2025-06-25 is a Wednesday. "1st of the month or Monday": Mon 30 Jun, Tue 1 Jul, Mon 7 Jul.
        Assert.Equal(
            [Utc(2025, 6, 30), Utc(2025, 7, 1), Utc(2025, 7, 7)],
            Next("0 0 1 * MON", Utc(2025, 6, 25), 3));
    }

    [Fact]
    public void Only_day_of_month_restricted_matches_that_day_only()
    {
        Assert.Equal([Utc(2025, 7, 1), Utc(2025, 8, 1)], Next("0 0 1 * *", Utc(2025, 6, 25), 2));
    }

    [Fact]
    public void Only_day_of_week_restricted_matches_that_weekday_only()
    {
        Assert.Equal([Utc(2025, 6, 30), Utc(2025, 7, 7)], Next("0 0 * * MON", Utc(2025, 6, 25), 2));
    }

    [Fact]
    public void Friday_the_thirteenth_style_expression_matches_either()
    {
        // 13th or Friday, June 2025: Fri 6, Fri 13 (both), Fri 20.
        Assert.Equal(
            [Utc(2025, 6, 6), Utc(2025, 6, 13), Utc(2025, 6, 20)],
            Next("0 0 13 * 5", Utc(2025, 6, 1), 3));
    }

    [Fact]
    public void Time_zone_shifts_the_schedule()
    {
        var next = CronExpression.Parse("0 9 * * *").GetNextOccurrence(Utc(2025, 7, 1), Berlin);

        Assert.Equal(new DateTimeOffset(2025, 7, 1, 9, 0, 0, TimeSpan.FromHours(2)), next);
        Assert.Equal(Utc(2025, 7, 1, 7), next);
    }

    [Fact]
    public void Local_time_skipped_by_spring_forward_fires_at_the_end_of_the_gap()
    {
        // Berlin jumps from 02:00 to 03:00 on 30 March 2025: 02:30 does not exist that day. Quartz fires at the
        // instant the clocks moved (03:00 CEST = 01:00 UTC), then at 02:30 the next day.
        var after = new DateTimeOffset(2025, 3, 29, 12, 0, 0, TimeSpan.FromHours(1));

        var occurrences = Next("30 2 * * *", after, 2, Berlin);

        Assert.Equal([Utc(2025, 3, 30, 1), new DateTimeOffset(2025, 3, 31, 2, 30, 0, TimeSpan.FromHours(2)).ToUniversalTime()], occurrences.Select(o => o.ToUniversalTime()));
    }

    [Fact]
    public void Day_before_spring_forward_still_fires()
    {
        var next = CronExpression.Parse("30 2 * * *").GetNextOccurrence(new DateTimeOffset(2025, 3, 28, 12, 0, 0, TimeSpan.FromHours(1)), Berlin);

        Assert.Equal(new DateTimeOffset(2025, 3, 29, 2, 30, 0, TimeSpan.FromHours(1)), next);
    }

    [Fact]
    public void Local_time_repeated_by_fall_back_fires_once()
    {
        // Berlin goes from 03:00 back to 02:00 on 26 October 2025: 02:30 happens twice, the schedule fires once.
        var occurrences = Next("30 2 * * *", new DateTimeOffset(2025, 10, 25, 12, 0, 0, TimeSpan.FromHours(2)), 2, Berlin);

        Assert.Equal(
            [new DateTimeOffset(2025, 10, 26, 2, 30, 0, TimeSpan.FromHours(2)), new DateTimeOffset(2025, 10, 27, 2, 30, 0, TimeSpan.FromHours(1))],
            occurrences);
    }

    [Fact]
    public void Impossible_date_has_no_occurrence()
    {
        Assert.Null(CronExpression.Parse("0 0 30 2 *").GetNextOccurrence(Utc(2025, 1, 1)));
        Assert.Null(CronExpression.Parse("0 0 31 4 *").GetNextOccurrence(Utc(2025, 1, 1)));
    }

    [Fact]
    public void Leap_day_is_found_years_ahead()
    {
        Assert.Equal(Utc(2028, 2, 29), CronExpression.Parse("0 0 29 2 *").GetNextOccurrence(Utc(2025, 1, 1)));
    }
}

[Trait("Area", "Triggers")]
public sealed class CronVixieDayRuleTests
{
    [Fact]
    public void Day_of_month_step_from_star_restricts_and_is_or_ed_with_day_of_week()
    {
        // Quartz applies crontab(5)'s rule to the fields as written: only a field written exactly '*' or '?' is
        // unrestricted, so "*/2" restricts and the days are unioned: odd days or Mondays. (Vixie cron's quirk of
        // treating "*/2" as unrestricted is not followed.) 2026-11-02 is a Monday, so it follows the 1st.
        var cron = Resolute.Scheduling.CronExpression.Parse("0 0 */2 * MON");
        var from = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var second = cron.GetNextOccurrence(from)!.Value;

        Assert.Equal(new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero), second);
        Assert.Equal(new DateTimeOffset(2026, 11, 3, 0, 0, 0, TimeSpan.Zero), cron.GetNextOccurrence(second));
    }

    [Fact]
    public void Day_of_week_step_from_a_value_stops_at_saturday()
    {
        // "1/2" = Mon, Wed, Fri — not the Sunday alias 7.
        var cron = Resolute.Scheduling.CronExpression.Parse("0 0 * * 1/2");
        var next = cron.GetNextOccurrence(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero)); // a Saturday

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), next); // Monday, not Sunday the 29th
    }
}
