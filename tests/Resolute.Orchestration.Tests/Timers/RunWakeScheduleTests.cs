using Microsoft.Extensions.Time.Testing;
using Resolute.Orchestration.Timers;

namespace Resolute.Orchestration.Tests.Timers;

/// <summary>The schedule keeps the earliest armed time until a look at or after it.</summary>
[Trait("Area", "Engine")]
public sealed class RunWakeScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    [Trait("Area", "Engine")]
    public void Only_the_earliest_armed_time_is_kept()
    {
        var schedule = new RunWakeSchedule(new FakeTimeProvider(T0));

        schedule.Arm(T0.AddSeconds(5));
        schedule.Arm(T0.AddSeconds(9));
        schedule.Arm(T0.AddSeconds(2));

        Assert.Equal(T0.AddSeconds(2), schedule.EarliestDueAt);
    }

    [Fact]
    [Trait("Area", "Engine")]
    public void A_look_forgets_the_armed_time_only_once_it_is_due()
    {
        var schedule = new RunWakeSchedule(new FakeTimeProvider(T0));
        schedule.Arm(T0.AddSeconds(2));

        schedule.TakeDue(T0.AddSeconds(1));
        Assert.Equal(T0.AddSeconds(2), schedule.EarliestDueAt);

        schedule.TakeDue(T0.AddSeconds(2));
        Assert.Null(schedule.EarliestDueAt);
    }

    [Fact]
    [Trait("Area", "Engine")]
    public async Task A_wait_ends_at_once_when_the_armed_time_has_passed()
    {
        var time = new FakeTimeProvider(T0);
        var schedule = new RunWakeSchedule(time);
        schedule.Arm(T0.AddMilliseconds(-5));

        await schedule.WaitAsync(TimeSpan.FromHours(1), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(T0, time.GetUtcNow());
    }

    [Fact]
    [Trait("Area", "Engine")]
    public async Task A_wait_ends_at_its_bound_when_the_armed_time_is_later()
    {
        var time = new FakeTimeProvider(T0);
        var schedule = new RunWakeSchedule(time);
        schedule.Arm(T0.AddMinutes(10));
        var wait = schedule.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(2));

        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
