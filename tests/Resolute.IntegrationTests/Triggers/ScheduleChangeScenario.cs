using Npgsql;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Triggers;

/// <summary>
/// The schedule is reconciled at orchestrator start: a changed cron replaces the trigger (the old one no longer fires),
/// a removed schedule removes it; pause and resume hold across restarts, and the next fire times can be listed.
/// </summary>
[Trait("Area", "Triggers")]
public sealed class ScheduleChangeScenario(ChangingScheduleCluster cluster, ITestOutputHelper output)
    : EngineScenario<ChangingScheduleCluster>(cluster, output), IClassFixture<ChangingScheduleCluster>
{
    [Fact]
    public async Task Changing_the_cron_and_restarting_replaces_the_trigger_and_removing_it_removes_it()
    {
        // Even seconds first.
        var even = await Cluster.WaitForScheduledRunsAsync(ScheduleFlows.TickName, rs => rs.Count >= 2, "two runs on even seconds", TimeSpan.FromSeconds(30));
        Assert.All(even, r => Assert.Equal(0, r.Tick.Second % 2));

        // Odd seconds after a restart with the changed cron.
        Cluster.ScheduleArguments = ScheduleCluster.Schedule(ScheduleFlows.TickName, "1/2 * * * * *");
        await Cluster.RestartOrchestratorAsync();
        var changedAt = DateTimeOffset.UtcNow;
        var listed = Assert.Single(await Cluster.Client.GetSchedulesAsync(ScheduleFlows.TickName, nextFireTimes: 3));
        Assert.Equal("1/2 * * * * *", Assert.Single(listed.Triggers).Cron);
        Assert.All(listed.NextFireTimes, t => Assert.Equal(1, t.Second % 2));

        var afterChange = await Cluster.WaitForScheduledRunsAsync(
            ScheduleFlows.TickName, rs => rs.Count(r => r.Tick > changedAt) >= 3, "three runs after the change", TimeSpan.FromSeconds(30));
        var later = afterChange.Where(r => r.Tick > changedAt).ToList();
        Output.WriteLine($"after the change: {ScheduleCluster.Describe(later)}");
        Assert.All(later, r => Assert.Equal(1, r.Tick.Second % 2));

        // Removed: no trigger left in the job store, nothing fires.
        Cluster.ScheduleArguments = [];
        await Cluster.RestartOrchestratorAsync();
        var removedAt = DateTimeOffset.UtcNow;
        Assert.Empty(await Cluster.Client.GetSchedulesAsync(ScheduleFlows.TickName));
        Assert.Equal(0, await CountAsync($"select count(*) from resolute_qrtz_triggers where trigger_group = 'resolute-schedules/{ScheduleFlows.TickName}'"));
        Assert.Equal(0, await CountAsync($"select count(*) from resolute_qrtz_job_details where job_name = '{ScheduleFlows.TickName}'"));
        await ScheduleCluster.WaitUntilAsync(removedAt.AddSeconds(3));
        Assert.DoesNotContain(await Cluster.ScheduledRunsAsync(ScheduleFlows.TickName), r => r.Tick > removedAt);
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var database = NpgsqlDataSource.Create(Cluster.PostgresConnectionString);
        await using var command = database.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
