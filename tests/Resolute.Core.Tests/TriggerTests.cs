using Resolute.Tests.TestSupport;

namespace Resolute.Tests;

[Trait("Area", "Definition")]
public sealed class TriggerTests
{
    [Fact]
    public void Manual_trigger_keeps_its_id()
    {
        var trigger = Trigger.Manual("api");

        Assert.Equal("api", trigger.Id);
        Assert.Equal("manual 'api'", trigger.Describe());
        Assert.Equal("manual 'api'", trigger.ToString());
    }

    [Fact]
    public void Manual_trigger_id_defaults_to_manual()
    {
        Assert.Equal("manual", Trigger.Manual().Id);
    }

    [Fact]
    public void Schedule_parses_the_cron_and_defaults_to_utc()
    {
        var trigger = Trigger.Schedule("0 */4 * * *");

        Assert.Equal("0 */4 * * *", trigger.Cron);
        Assert.Null(trigger.Problem);
        Assert.NotNull(trigger.Expression);
        Assert.Same(TimeZoneInfo.Utc, trigger.TimeZone);
        Assert.Equal("schedule '0 */4 * * *' (UTC)", trigger.Describe());
    }

    [Fact]
    public void Schedule_fires_every_four_hours_from_a_fixed_instant()
    {
        var trigger = Trigger.Schedule("0 */4 * * *");
        var after = new DateTimeOffset(2025, 3, 10, 5, 17, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2025, 3, 10, 8, 0, 0, TimeSpan.Zero), trigger.GetNextOccurrence(after));
    }

    [Fact]
    public void Schedule_with_a_time_zone_id_is_evaluated_in_that_zone()
    {
        var trigger = Trigger.Schedule("0 9 * * *", "Europe/Berlin");

        Assert.Null(trigger.Problem);
        Assert.Equal("Europe/Berlin", trigger.TimeZone.Id);
        Assert.Equal("schedule '0 9 * * *' (Europe/Berlin)", trigger.Describe());
        // 9:00 in Berlin in January is 8:00 UTC.
        var next = trigger.GetNextOccurrence(new DateTimeOffset(2025, 1, 15, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2025, 1, 16, 8, 0, 0, TimeSpan.Zero), next);
    }

    [Fact]
    public void Schedule_with_a_TimeZoneInfo_uses_it()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

        var trigger = Trigger.Schedule("0 0 * * *", zone);

        Assert.Same(zone, trigger.TimeZone);
        Assert.Null(trigger.Problem);
    }

    [Fact]
    public void Schedule_with_a_bad_cron_records_the_problem_instead_of_throwing()
    {
        var trigger = Trigger.Schedule("61 * * * *");

        Assert.Null(trigger.Expression);
        ProblemAssert.Mentions(trigger.Problem!, "'61 * * * *'", "minute field", "'61'", "between 0 and 59");
    }

    [Fact]
    public void Schedule_with_an_unknown_time_zone_records_the_problem()
    {
        var trigger = Trigger.Schedule("0 * * * *", "Mars/Olympus_Mons");

        ProblemAssert.Mentions(trigger.Problem!, "time zone 'Mars/Olympus_Mons' is not known", "Europe/Berlin", "omit it for UTC");
    }

    [Fact]
    public void Next_occurrence_of_an_invalid_schedule_throws_with_the_problem()
    {
        var trigger = Trigger.Schedule("not a cron");

        var error = Assert.Throws<InvalidOperationException>(() => trigger.GetNextOccurrence(DateTimeOffset.UnixEpoch));

        Assert.Equal(trigger.Problem, error.Message);
    }

    [Fact]
    public void Schedule_rejects_null_arguments()
    {
        Assert.Throws<ArgumentNullException>(() => Trigger.Schedule(null!));
        Assert.Throws<ArgumentNullException>(() => Trigger.Schedule("0 * * * *", (TimeZoneInfo)null!));
        Assert.Throws<ArgumentNullException>(() => Trigger.Manual(null!));
    }

    [Fact]
    public void A_flow_may_have_several_triggers()
    {
        var flow = Flow.Create("nightly-report")
            .TriggeredBy(Trigger.Schedule("@daily"))
            .TriggeredBy(Trigger.Manual("api"))
            .Then(Stubs.Text("report"))
            .Build();

        Assert.Collection(
            flow.Triggers,
            t => Assert.Equal("@daily", Assert.IsType<ScheduleTrigger>(t).Cron),
            t => Assert.Equal("api", Assert.IsType<ManualTrigger>(t).Id));
        Assert.Contains("triggered by schedule '@daily' (UTC) and manual 'api'", flow.Describe(), StringComparison.Ordinal);
    }
}
