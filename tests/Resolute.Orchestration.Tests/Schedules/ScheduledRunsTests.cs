using Resolute.Contracts;
using Resolute.Orchestration.Schedules;

namespace Resolute.Orchestration.Tests.Schedules;

[Trait("Area", "Triggers")]
public sealed class ScheduledRunsTests
{
    private static readonly DateTimeOffset Tick = new(2026, 12, 2, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Key_names_the_flow_and_the_scheduled_fire_time_in_UTC()
    {
        Assert.Equal("schedule:nightly:2026-12-02T04:00:00.0000000+00:00", ScheduledRuns.IdempotencyKey("nightly", Tick));
        Assert.StartsWith(ScheduledRuns.KeyPrefix("nightly"), ScheduledRuns.IdempotencyKey("nightly", Tick), StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_tick_gives_the_same_run_id_whatever_the_offset_it_is_seen_in()
    {
        var berlin = Tick.ToOffset(TimeSpan.FromHours(1));

        Assert.Equal(ScheduledRuns.RunId("nightly", Tick), ScheduledRuns.RunId("nightly", berlin));
        Assert.Equal(RunIds.FromIdempotencyKey("nightly", ScheduledRuns.IdempotencyKey("nightly", Tick)), ScheduledRuns.RunId("nightly", Tick));
    }

    [Fact]
    public void Other_ticks_and_other_flows_give_other_run_ids()
    {
        var id = ScheduledRuns.RunId("nightly", Tick);

        Assert.NotEqual(id, ScheduledRuns.RunId("nightly", Tick.AddSeconds(1)));
        Assert.NotEqual(id, ScheduledRuns.RunId("nightly", Tick.AddTicks(1)));
        Assert.NotEqual(id, ScheduledRuns.RunId("hourly", Tick));
    }

    [Fact]
    public void Start_message_carries_the_derived_id_the_key_and_the_requester()
    {
        var now = Tick.AddMilliseconds(37);

        var start = ScheduledRuns.Start("nightly", Tick, now);

        Assert.Equal(ScheduledRuns.RunId("nightly", Tick), start.RunId);
        Assert.Equal("nightly", start.FlowName);
        Assert.Equal(ScheduledRuns.IdempotencyKey("nightly", Tick), start.IdempotencyKey);
        Assert.Equal("schedule", start.RequestedBy);
        Assert.Equal(now, start.RequestedAt);
        Assert.Null(start.InputJson);
    }
}
