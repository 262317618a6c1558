using Resolute.Tests.TestSupport;

namespace Resolute.Tests;

[Trait("Area", "Triggers")]
public sealed class ScheduleTriggerOptionsTests
{
    [Fact]
    public void Defaults_are_skip_overlap_and_fire_once_on_recovery()
    {
        var trigger = Trigger.Schedule("*/5 * * * * *");

        Assert.Equal(ScheduleOverlap.Skip, trigger.Overlap);
        Assert.Equal(ScheduleMisfire.FireOnceOnRecovery, trigger.Misfire);
        Assert.Null(trigger.MisfireThreshold);
        Assert.Equal("schedule '*/5 * * * * *' (UTC)", trigger.Describe());
    }

    [Fact]
    public void Options_return_a_new_trigger_and_leave_the_original_alone()
    {
        var original = Trigger.Schedule("0 9 * * MON-FRI", "Europe/Berlin");

        var changed = original.WithOverlap(ScheduleOverlap.BufferOne).WithMisfire(ScheduleMisfire.Skip).WithMisfireThreshold(TimeSpan.FromSeconds(30));

        Assert.Equal(ScheduleOverlap.Skip, original.Overlap);
        Assert.Equal(ScheduleOverlap.BufferOne, changed.Overlap);
        Assert.Equal(ScheduleMisfire.Skip, changed.Misfire);
        Assert.Equal(TimeSpan.FromSeconds(30), changed.MisfireThreshold);
        Assert.Equal(original.Cron, changed.Cron);
        Assert.Same(original.TimeZone, changed.TimeZone);
        Assert.Same(original.Expression, changed.Expression);
        Assert.Null(changed.Problem);
        Assert.Equal("schedule '0 9 * * MON-FRI' (Europe/Berlin, overlap BufferOne, misfire Skip, misfire threshold 30000 ms)", changed.Describe());
    }

    [Fact]
    public void Non_positive_misfire_threshold_fails_Build()
    {
        var error = Assert.Throws<FlowDefinitionException>(() =>
            Flow.Create("f").TriggeredBy(Trigger.Schedule("* * * * *").WithMisfireThreshold(TimeSpan.Zero)).Then(Node.Create<int, int>("a", (i, _) => Task.FromResult(i))).Build());

        ProblemAssert.Mentions(Assert.Single(error.Problems), "trigger #1: ", "misfire threshold 00:00:00 must be at least 1 ms");
    }

    [Fact]
    public void Undefined_policy_values_fail_Build_and_keep_the_cron_problem()
    {
        var trigger = Trigger.Schedule("61 * * * *").WithOverlap((ScheduleOverlap)7).WithMisfire((ScheduleMisfire)9);

        ProblemAssert.Mentions(trigger.Problem!, "minute field", "overlap policy 7 is not one of Skip, Allow, BufferOne", "misfire policy 9 is not one of FireOnceOnRecovery, Skip");
        Assert.Throws<InvalidOperationException>(() => trigger.GetNextOccurrence(DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void Next_occurrence_answers_from_the_same_expression_Quartz_fires()
    {
        var trigger = Trigger.Schedule("30 4 * * 1", "Europe/Berlin");

        Assert.Equal("0 30 4 ? * MON", trigger.Expression!.QuartzExpression);
        // Monday 2025-07-07 04:30 in Berlin (summer time) is 02:30 UTC.
        Assert.Equal(new DateTimeOffset(2025, 7, 7, 2, 30, 0, TimeSpan.Zero), trigger.GetNextOccurrence(new DateTimeOffset(2025, 7, 2, 0, 0, 0, TimeSpan.Zero))!.Value.ToUniversalTime());
    }
}
