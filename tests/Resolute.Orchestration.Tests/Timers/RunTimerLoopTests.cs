using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Timers;

/// <summary>
/// The timer loop looks for due runs when the earliest known timer is due — armed, or the next one the database holds —
/// and at least every safety poll; on a fake clock, so each look's instant is exact.
/// </summary>
[Trait("Area", "Engine")]
public sealed class RunTimerLoopTests
{
    private static readonly TimeSpan SafetyPoll = TimeSpan.FromSeconds(5);
    private static readonly DateTimeOffset T0 = TimerLoop.Epoch;

    [Fact]
    [Trait("Area", "Engine")]
    public async Task An_armed_time_is_looked_for_at_that_time_not_at_the_safety_poll()
    {
        await using var loop = await TimerLoop.StartAsync(SafetyPoll);
        Assert.Equal(T0, await loop.NextLookAsync());
        var run = Guid.NewGuid();

        loop.Table.Set(run, T0.AddMilliseconds(300));
        loop.Schedule.Arm(T0.AddMilliseconds(300));
        await loop.AdvanceToAsync(T0.AddMilliseconds(299));
        await loop.AdvanceToAsync(T0.AddMilliseconds(300));

        Assert.Equal(T0.AddMilliseconds(300), await loop.NextLookAsync());
        await WaitForWakesAsync(loop, 1);
        var wake = Assert.Single(loop.Wakes);
        Assert.Equal(run, wake.RunId);
        Assert.Equal(T0.AddMilliseconds(300), wake.DueAt);
    }

    [Fact]
    [Trait("Area", "Engine")]
    public async Task An_earlier_arm_preempts_a_later_one_and_the_later_one_still_fires()
    {
        await using var loop = await TimerLoop.StartAsync(SafetyPoll);
        Assert.Equal(T0, await loop.NextLookAsync());
        var later = Guid.NewGuid();
        var earlier = Guid.NewGuid();

        loop.Table.Set(later, T0.AddMilliseconds(800));
        loop.Schedule.Arm(T0.AddMilliseconds(800));
        await loop.AdvanceToAsync(T0.AddMilliseconds(100));
        loop.Table.Set(earlier, T0.AddMilliseconds(300));
        loop.Schedule.Arm(T0.AddMilliseconds(300));
        await loop.AdvanceToAsync(T0.AddMilliseconds(300));

        Assert.Equal(T0.AddMilliseconds(300), await loop.NextLookAsync());

        // Only the earliest time is kept in memory; the look reported the later timer, which is then armed.
        await loop.AdvanceToAsync(T0.AddMilliseconds(800));
        Assert.Equal(T0.AddMilliseconds(800), await loop.NextLookAsync());
        await WaitForWakesAsync(loop, 2);
        Assert.Equal([earlier, later], loop.Wakes.Select(w => w.RunId));
    }

    [Fact]
    [Trait("Area", "Engine")]
    public async Task A_later_arm_does_not_delay_an_earlier_one()
    {
        await using var loop = await TimerLoop.StartAsync(SafetyPoll);
        Assert.Equal(T0, await loop.NextLookAsync());

        loop.Schedule.Arm(T0.AddMilliseconds(300));
        loop.Schedule.Arm(T0.AddMilliseconds(800));
        Assert.Equal(T0.AddMilliseconds(300), loop.Schedule.EarliestDueAt);
        await loop.AdvanceToAsync(T0.AddMilliseconds(300));

        Assert.Equal(T0.AddMilliseconds(300), await loop.NextLookAsync());
    }

    [Fact]
    [Trait("Area", "Engine")]
    public async Task With_nothing_armed_the_safety_poll_still_looks()
    {
        await using var loop = await TimerLoop.StartAsync(SafetyPoll);
        Assert.Equal(T0, await loop.NextLookAsync());

        await loop.AdvanceToAsync(T0 + SafetyPoll - TimeSpan.FromMilliseconds(1));
        await loop.AdvanceToAsync(T0 + SafetyPoll);
        Assert.Equal(T0 + SafetyPoll, await loop.NextLookAsync());

        await loop.AdvanceToAsync(T0 + (2 * SafetyPoll));
        Assert.Equal(T0 + (2 * SafetyPoll), await loop.NextLookAsync());
    }

    [Fact]
    [Trait("Area", "Engine")]
    public async Task The_next_timer_the_source_reports_is_armed_even_if_nobody_here_armed_it()
    {
        // Written by another replica: this process never armed it.
        var run = Guid.NewGuid();
        await using var loop = await TimerLoop.StartAsync(SafetyPoll, table => table.Set(run, T0.AddMilliseconds(700)));
        Assert.Equal(T0, await loop.NextLookAsync());
        Assert.Equal(T0.AddMilliseconds(700), loop.Schedule.EarliestDueAt);

        await loop.AdvanceToAsync(T0.AddMilliseconds(700));

        Assert.Equal(T0.AddMilliseconds(700), await loop.NextLookAsync());
        await WaitForWakesAsync(loop, 1);
        Assert.Equal(run, Assert.Single(loop.Wakes).RunId);
    }

    [Fact]
    [Trait("Area", "Engine")]
    public async Task A_run_that_stays_due_is_woken_once_per_re_wake_period_and_does_not_make_the_loop_spin()
    {
        // The saga ignored the wake (or it is still queued): the run stays due, and the saga re-arms its time.
        var run = Guid.NewGuid();
        await using var loop = await TimerLoop.StartAsync(SafetyPoll, table => table.Set(run, T0));
        Assert.Equal(T0, await loop.NextLookAsync());
        await WaitForWakesAsync(loop, 1);

        loop.Schedule.Arm(T0);
        Assert.Equal(T0, await loop.NextLookAsync());

        // The next look is the safety poll: no look in between, and no second wake within the re-wake period.
        await loop.AdvanceToAsync(T0 + SafetyPoll);
        Assert.Equal(T0 + SafetyPoll, await loop.NextLookAsync());
        Assert.Equal([T0, T0, T0 + SafetyPoll], loop.Table.Looks);
        Assert.Single(loop.Wakes);

        await loop.AdvanceToAsync(T0 + (2 * SafetyPoll));
        Assert.Equal(T0 + (2 * SafetyPoll), await loop.NextLookAsync());
        await WaitForWakesAsync(loop, 2);
        Assert.All(loop.Wakes, w => Assert.Equal(run, w.RunId));
    }

    [Fact]
    [Trait("Area", "Engine")]
    public async Task An_arm_during_a_wait_for_the_safety_poll_shortens_it()
    {
        await using var loop = await TimerLoop.StartAsync(SafetyPoll);
        Assert.Equal(T0, await loop.NextLookAsync());
        await loop.AdvanceToAsync(T0.AddSeconds(1));

        loop.Schedule.Arm(T0.AddMilliseconds(1500));
        await loop.AdvanceToAsync(T0.AddMilliseconds(1500));

        Assert.Equal(T0.AddMilliseconds(1500), await loop.NextLookAsync());

        // The safety poll counts from the last look.
        await loop.AdvanceToAsync(T0.AddMilliseconds(1500) + SafetyPoll);
        Assert.Equal(T0.AddMilliseconds(1500) + SafetyPoll, await loop.NextLookAsync());
    }

    [Fact]
    [Trait("Area", "Engine")]
    public async Task A_failed_look_is_retried_at_the_safety_poll_not_at_once()
    {
        var run = Guid.NewGuid();
        await using var loop = await TimerLoop.StartAsync(SafetyPoll, table =>
        {
            table.Set(run, T0);
            table.FailNext = 1;
        });
        Assert.Equal(T0, await loop.NextLookAsync());

        loop.Schedule.Arm(T0.AddMilliseconds(300));
        await loop.AdvanceToAsync(T0.AddMilliseconds(300));
        Assert.Equal(T0.AddMilliseconds(300), await loop.NextLookAsync());
        await WaitForWakesAsync(loop, 1);

        loop.Table.FailNext = 1;
        loop.Schedule.Arm(T0.AddMilliseconds(400));
        await loop.AdvanceToAsync(T0.AddMilliseconds(400));
        Assert.Equal(T0.AddMilliseconds(400), await loop.NextLookAsync());

        // The failed look's armed time is not retried at once (that would spin while the database is down).
        await loop.AdvanceToAsync(T0.AddMilliseconds(400) + SafetyPoll);
        Assert.Equal(T0.AddMilliseconds(400) + SafetyPoll, await loop.NextLookAsync());
        Assert.Equal([T0, T0.AddMilliseconds(300), T0.AddMilliseconds(400), T0.AddMilliseconds(400) + SafetyPoll], loop.Table.Looks);
    }

    [Fact]
    [Trait("Area", "Engine")]
    public async Task A_full_batch_of_due_runs_is_followed_by_another_look_soon_not_at_the_safety_poll()
    {
        var runs = Enumerable.Range(0, 250).Select(_ => Guid.NewGuid()).ToList();
        await using var loop = await TimerLoop.StartAsync(SafetyPoll, table => runs.ForEach(r => table.Set(r, T0)));
        Assert.Equal(T0, await loop.NextLookAsync());
        await WaitForWakesAsync(loop, 200);

        await loop.AdvanceToAsync(T0.AddMilliseconds(250));

        Assert.Equal(T0.AddMilliseconds(250), await loop.NextLookAsync());
    }

    [Theory]
    [Trait("Area", "Engine")]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_safety_poll_that_is_not_positive_is_rejected(int milliseconds)
    {
        var options = new OrchestratorOptions { TimerPollInterval = TimeSpan.FromMilliseconds(milliseconds) };

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Contains("TimerPollInterval", error.Message, StringComparison.Ordinal);
    }

    private static async Task WaitForWakesAsync(TimerLoop loop, int count)
    {
        // Wakes are sent right after the look that found them: poll with a deadline, never a fixed sleep.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (loop.Wakes.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"expected {count} wakes, saw {loop.Wakes.Count}");
            await Task.Delay(5);
        }
    }
}
