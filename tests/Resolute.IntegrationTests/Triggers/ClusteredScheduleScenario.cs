using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Triggers;

/// <summary>
/// A 6-field cron firing every second, with two orchestrator processes on one database: Quartz's clustered job store
/// lets exactly one of them fire each tick, and each tick starts exactly one run.
/// </summary>
[Trait("Area", "Triggers")]
public sealed class ClusteredScheduleScenario(EverySecondScheduleCluster cluster, ITestOutputHelper output)
    : EngineScenario<EverySecondScheduleCluster>(cluster, output), IClassFixture<EverySecondScheduleCluster>
{
    [Fact]
    public async Task Two_orchestrators_fire_each_of_10_ticks_once_and_each_tick_starts_one_run_also_across_a_failover()
    {
        var replica = await Cluster.StartOrchestratorReplicaAsync("orchestrator-2");
        Assert.Equal(2, await CheckedInSchedulersAsync());

        // Ten whole seconds, starting two seconds from now (both orchestrators are up and have claimed nothing stale).
        var first = WholeSecondAfter(DateTimeOffset.UtcNow.AddSeconds(2));
        var ticks = Enumerable.Range(0, 10).Select(i => first.AddSeconds(i)).ToList();
        var runs = await Cluster.WaitForScheduledRunsAsync(
            ScheduleFlows.TickName,
            rs => ticks.All(t => rs.Any(r => r.Tick == t && r.State == "Completed")),
            "a completed run for each of the 10 ticks",
            TimeSpan.FromSeconds(40));

        // Each tick: exactly one orchestrator logged firing it, and one run row names it.
        var fired = Cluster.LoggedStartedTicks(ScheduleFlows.TickName);
        Output.WriteLine($"ticks fired (log): {string.Join(", ", fired.Where(ticks.Contains).Select(t => t.ToString("HH:mm:ss", null)))}");
        foreach (var tick in ticks)
        {
            Assert.Equal(1, fired.Count(f => f == tick));
            Assert.Single(runs, r => r.Tick == tick);
        }

        // No run at a time that is not a tick, and every run's id is the one derived from its tick.
        Assert.All(runs, r => Assert.Equal(0, r.Tick.Millisecond));
        Assert.All(runs, r => Assert.Equal(Resolute.Orchestration.Schedules.ScheduledRuns.RunId(ScheduleFlows.TickName, r.Tick), r.RunId));

        // Failover: kill the node that has been firing; the other finds it dead (check-ins every second) and fires the
        // ticks it had claimed, late but within the misfire threshold (5 s), so no tick is lost and none runs twice.
        var firing = Cluster.Log.LinesContaining($"Schedule of flow {ScheduleFlows.TickName}: tick ")[^1];
        var killed = firing.Contains("[orchestrator-2]", StringComparison.Ordinal) ? replica : Cluster.Orchestrator;
        var survivor = killed == replica ? Cluster.Orchestrator : replica;
        killed.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        var fromTick = WholeSecondAfter(killedAt.AddSeconds(-1));
        var afterKill = Enumerable.Range(0, 6).Select(i => fromTick.AddSeconds(i)).ToList();
        runs = await Cluster.WaitForScheduledRunsAsync(
            ScheduleFlows.TickName,
            rs => afterKill.All(t => rs.Any(r => r.Tick == t && r.State == "Completed")),
            $"a completed run for each of the 6 ticks from {fromTick:HH:mm:ss} after {killed.Name} was killed",
            TimeSpan.FromSeconds(40));
        Assert.All(afterKill, t => Assert.Single(runs, r => r.Tick == t));
        var survivorFired = Cluster.Log.LinesContaining($"[{survivor.Name}]").Count(l => l.Contains($"Schedule of flow {ScheduleFlows.TickName}: tick ", StringComparison.Ordinal) && l.Contains("started run", StringComparison.Ordinal));
        Output.WriteLine($"killed {killed.Name} at {killedAt:HH:mm:ss.fff}; {survivor.Name} fired {survivorFired} tick(s) in all");
        Assert.True(survivorFired >= 4, $"{survivor.Name} did not take over the schedule");
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    // Both processes are nodes of the Quartz cluster (each checks in with its own instance id).
    private async Task<long> CheckedInSchedulersAsync()
    {
        await using var database = Npgsql.NpgsqlDataSource.Create(Cluster.PostgresConnectionString);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using var command = database.CreateCommand("select count(*) from resolute_qrtz_scheduler_state");
            var count = (long)(await command.ExecuteScalarAsync())!;
            if (count >= 2 || clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                return count;
            }

            await Task.Delay(100);
        }
    }

    private static DateTimeOffset WholeSecondAfter(DateTimeOffset instant) =>
        new DateTimeOffset(instant.Year, instant.Month, instant.Day, instant.Hour, instant.Minute, instant.Second, TimeSpan.Zero).AddSeconds(1);
}
