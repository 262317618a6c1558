using Resolute.Orchestration.Schedules;

namespace Resolute.Orchestration.Tests.Schedules;

[Trait("Area", "Triggers")]
public sealed class OverlapPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 4, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData(ScheduleOverlap.Skip, false, false, TickDecision.Start)]
    [InlineData(ScheduleOverlap.Skip, true, false, TickDecision.Skip)]
    [InlineData(ScheduleOverlap.Allow, false, false, TickDecision.Start)]
    [InlineData(ScheduleOverlap.Allow, true, false, TickDecision.Start)]
    [InlineData(ScheduleOverlap.BufferOne, false, false, TickDecision.Start)]
    [InlineData(ScheduleOverlap.BufferOne, true, false, TickDecision.Buffer)]
    [InlineData(ScheduleOverlap.BufferOne, true, true, TickDecision.Skip)]
    [InlineData(ScheduleOverlap.BufferOne, false, true, TickDecision.Start)]
    public void Decision_by_policy(ScheduleOverlap overlap, bool running, bool bufferTaken, TickDecision expected)
    {
        Assert.Equal(expected, OverlapPolicy.Decide(overlap, running, bufferTaken));
    }

    [Fact]
    public void An_active_scheduled_run_is_running()
    {
        Assert.True(OverlapPolicy.PreviousRunIsRunning(new ScheduledRunActivity(1, LastRunExists: true), null, Now, Window));
    }

    [Fact]
    public void No_active_run_and_no_tick_started_before_is_not_running()
    {
        Assert.False(OverlapPolicy.PreviousRunIsRunning(new ScheduledRunActivity(0, LastRunExists: false), null, Now, Window));
    }

    [Fact]
    public void Last_tick_whose_run_row_does_not_exist_yet_counts_as_running_within_the_window()
    {
        var last = new LastScheduledStart(Guid.NewGuid(), Now.AddSeconds(-2));

        Assert.True(OverlapPolicy.PreviousRunIsRunning(new ScheduledRunActivity(0, LastRunExists: false), last, Now, Window));
    }

    [Fact]
    public void Last_tick_whose_run_never_appeared_stops_counting_after_the_window()
    {
        var last = new LastScheduledStart(Guid.NewGuid(), Now - Window);

        Assert.False(OverlapPolicy.PreviousRunIsRunning(new ScheduledRunActivity(0, LastRunExists: false), last, Now, Window));
    }

    [Fact]
    public void Last_tick_whose_run_exists_and_ended_is_not_running()
    {
        var last = new LastScheduledStart(Guid.NewGuid(), Now.AddSeconds(-2));

        Assert.False(OverlapPolicy.PreviousRunIsRunning(new ScheduledRunActivity(0, LastRunExists: true), last, Now, Window));
    }
}

[Trait("Area", "Triggers")]
public sealed class RecentScheduledStartsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_later_of_job_data_and_this_process_wins()
    {
        var recent = new RecentScheduledStarts();
        var older = new LastScheduledStart(Guid.NewGuid(), Now.AddSeconds(-2));
        var newer = new LastScheduledStart(Guid.NewGuid(), Now.AddSeconds(-1));

        Assert.Null(recent.Latest("f", null));
        Assert.Same(older, recent.Latest("f", older));
        recent.Record("f", newer);
        Assert.Same(newer, recent.Latest("f", older));
        Assert.Same(newer, recent.Latest("f", null));
        recent.Record("f", older);
        Assert.Same(newer, recent.Latest("f", null));
        var newest = new LastScheduledStart(Guid.NewGuid(), Now);
        Assert.Same(newest, recent.Latest("f", newest));
        Assert.Null(recent.Latest("other", null));
    }
}
