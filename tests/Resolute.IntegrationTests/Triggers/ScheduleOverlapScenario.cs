using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Triggers;

/// <summary>
/// The default overlap policy (Skip): a tick while the previous scheduled run of the flow is still running starts
/// nothing, and the orchestrator logs it as skipped.
/// </summary>
[Trait("Area", "Triggers")]
public sealed class ScheduleOverlapScenario(OverlapScheduleCluster cluster, ITestOutputHelper output)
    : EngineScenario<OverlapScheduleCluster>(cluster, output), IClassFixture<OverlapScheduleCluster>
{
    [Fact]
    public async Task A_tick_while_the_previous_run_is_running_starts_nothing_and_is_logged()
    {
        // Runs take 3.5 s, ticks come every second: two completed runs mean several ticks met a running run.
        var runs = await Cluster.WaitForScheduledRunsAsync(
            ScheduleFlows.SlowName, rs => rs.Count(r => r.State == "Completed") >= 2, "two completed scheduled runs", TimeSpan.FromSeconds(40));
        var completed = runs.Where(r => r.State == "Completed").Take(2).ToList();
        Output.WriteLine($"runs: {ScheduleCluster.Describe(runs)}");

        // No two scheduled runs overlapped: each started after the previous one ended.
        foreach (var (previous, next) in runs.Zip(runs.Skip(1)))
        {
            Assert.NotNull(previous.EndedAt);
            Assert.True(next.CreatedAt >= previous.EndedAt, $"run of tick {next.Tick:HH:mm:ss} started at {next.CreatedAt:HH:mm:ss.fff}, before the run of tick {previous.Tick:HH:mm:ss} ended at {previous.EndedAt:HH:mm:ss.fff}");
        }

        // The ticks in between were skipped: logged, and no run names them.
        var skipped = Cluster.LoggedSkippedTicks(ScheduleFlows.SlowName).Where(t => t > completed[0].Tick && t < completed[1].Tick).ToList();
        Output.WriteLine($"skipped ticks: {string.Join(", ", skipped.Select(t => t.ToString("HH:mm:ss", null)))}");
        Assert.True(skipped.Count >= 2, $"expected at least 2 skipped ticks between {completed[0].Tick:HH:mm:ss} and {completed[1].Tick:HH:mm:ss}, logged {skipped.Count}");
        Assert.DoesNotContain(runs, r => skipped.Contains(r.Tick));
        Assert.Contains(Cluster.Log.LinesContaining("skipped: the previous scheduled run is still running (overlap policy Skip)"), l => l.Contains(ScheduleFlows.SlowName, StringComparison.Ordinal));
        await Cluster.AssertNoFaultedMessagesAsync();
    }
}
