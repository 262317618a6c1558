using System.Text.Json;

namespace Resolute.Cli.Tests;

[Trait("Area", "Cli")]
[Collection(CliHostGroup.Name)]
public sealed class SchedulesCommandTests(CliHost host)
{
    [Fact]
    public async Task Schedules_lists_the_cron_its_next_fire_times_and_whether_it_is_paused()
    {
        var result = await host.RunAsync("schedules");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("cli-scheduled", result.Output, StringComparison.Ordinal);
        Assert.Contains("0 0 1 1 *", result.Output, StringComparison.Ordinal);
        Assert.Contains("active", result.Output, StringComparison.Ordinal);
        Assert.Contains($"{DateTime.UtcNow.Year + 1}-01-01 00:00:00.000Z", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_paused_schedule_shows_paused_in_json()
    {
        await host.Client.PauseScheduleAsync(host.Flows.Scheduled.Name, "CLI test");
        try
        {
            var result = await host.RunAsync("schedules", "--flow", "cli-scheduled", "--next", "2", "--output", "json");

            Assert.True(result.ExitCode == 0, result.ToString());
            using var json = JsonDocument.Parse(result.Output);
            var schedule = Assert.Single(json.RootElement.EnumerateArray());
            Assert.Equal("cli-scheduled", schedule.GetProperty("flowName").GetString());
            Assert.True(schedule.GetProperty("paused").GetBoolean());
            Assert.Equal(2, schedule.GetProperty("nextFireTimes").GetArrayLength());
            Assert.Equal("0 0 1 1 *", schedule.GetProperty("triggers")[0].GetProperty("cron").GetString());
        }
        finally
        {
            await host.Client.ResumeScheduleAsync(host.Flows.Scheduled.Name);
        }
    }

    [Fact]
    public async Task The_schedule_of_a_flow_without_one_exits_3()
    {
        var result = await host.RunAsync("schedules", "--flow", "cli-fan");

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Contains("no schedule of flow 'cli-fan'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Next_outside_1_to_100_is_a_usage_error()
    {
        var result = await host.RunAsync("schedules", "--next", "0");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--next must be between 1 and 100", result.Error, StringComparison.Ordinal);
    }
}
