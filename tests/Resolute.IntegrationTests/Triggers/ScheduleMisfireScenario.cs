using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Triggers;

/// <summary>
/// Every orchestrator is down across several ticks (killed, not stopped): when one comes back, the default misfire
/// policy (FireOnceOnRecovery) starts one catch-up run for all the missed ticks, keyed by the first of them, then the
/// schedule continues.
/// </summary>
[Trait("Area", "Triggers")]
public sealed class ScheduleMisfireScenario(MisfireScheduleCluster cluster, ITestOutputHelper output)
    : EngineScenario<MisfireScheduleCluster>(cluster, output), IClassFixture<MisfireScheduleCluster>
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Ticks_missed_while_every_orchestrator_was_down_start_one_catch_up_run()
    {
        var before = await Cluster.WaitForScheduledRunsAsync(ScheduleFlows.TickName, rs => rs.Count >= 1, "a first scheduled run", TimeSpan.FromSeconds(30));

        Cluster.KillOrchestrator();
        var killedAt = DateTimeOffset.UtcNow;
        var lastBefore = (await Cluster.ScheduledRunsAsync(ScheduleFlows.TickName)).Max(r => r.Tick);

        // Let at least three ticks pass with no orchestrator running.
        var outageEnds = killedAt + (3 * Period) + TimeSpan.FromSeconds(1);
        await ScheduleCluster.WaitUntilAsync(outageEnds);
        Assert.Equal(lastBefore, (await Cluster.ScheduledRunsAsync(ScheduleFlows.TickName)).Max(r => r.Tick));
        var restarting = DateTimeOffset.UtcNow;
        await Cluster.RestartOrchestratorAsync();
        Output.WriteLine($"killed {killedAt:HH:mm:ss.fff}, last tick before {lastBefore:HH:mm:ss.fff}, restarting {restarting:HH:mm:ss.fff}, ready {DateTimeOffset.UtcNow:HH:mm:ss.fff}");

        // The ticks that fell entirely inside the outage (nothing was running to fire them). A tick between the last run
        // seen and the kill had already fired in the killed process, possibly with its job cut short: Quartz recovers such
        // a job on restart, so it may still get its own run — once, as every tick (its run id is derived from the tick).
        var ticks = Enumerable.Range(1, 100).Select(i => lastBefore + (i * Period)).ToList();
        var missedTicks = ticks.Where(t => t > killedAt && t < restarting).ToList();
        var firedBeforeTheKill = ticks.Where(t => t <= killedAt).ToList();
        Assert.True(missedTicks.Count >= 3, $"only {missedTicks.Count} tick(s) fell into the outage: the scenario proves nothing");

        // The catch-up run and two regular ticks after it.
        var runs = await Cluster.WaitForScheduledRunsAsync(
            ScheduleFlows.TickName,
            rs => rs.Any(r => missedTicks.Contains(r.Tick)) && rs.Count(r => r.Tick > missedTicks[^1]) >= 2,
            "a catch-up run and two regular ticks after the restart",
            TimeSpan.FromSeconds(40));
        var after = runs.Where(r => r.Tick > lastBefore).OrderBy(r => r.Tick).ToList();
        Output.WriteLine($"runs after the outage: {ScheduleCluster.Describe(after)}");

        // Exactly one run stands for the missed ticks, fired on recovery and keyed by a missed tick: the first one as a rule
        // (Quartz reports the original fire time of a fire-now misfire), a later one when the killed process had already
        // moved the trigger on (seen on a loaded machine, where the scheduler ran seconds behind before the kill).
        var catchUp = Assert.Single(after, r => missedTicks.Contains(r.Tick));
        Assert.True(catchUp.CreatedAt >= restarting, $"the catch-up run was created at {catchUp.CreatedAt:HH:mm:ss.fff}, before the orchestrator was restarted");
        Assert.All(after, r => Assert.True(
            missedTicks.Contains(r.Tick) || firedBeforeTheKill.Contains(r.Tick) || r.Tick > missedTicks[^1],
            $"run of tick {r.Tick:HH:mm:ss.fff} is neither the catch-up, a tick fired before the kill, nor a regular tick: {ScheduleCluster.Describe(after)}"));

        // Then the schedule continues on its grid, one run per tick.
        var regular = after.Where(r => r.Tick > missedTicks[^1]).ToList();
        Assert.True(OnGrid(regular[0].Tick) && OnGrid(regular[1].Tick), $"regular ticks after the catch-up are off the grid: {ScheduleCluster.Describe(after)}");
        Assert.Equal(Period, regular[1].Tick - regular[0].Tick);
        Assert.NotEmpty(before);
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    private static bool OnGrid(DateTimeOffset tick) => tick.Millisecond == 0 && tick.Second % 2 == 0;
}
