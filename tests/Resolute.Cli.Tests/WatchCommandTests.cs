using System.Text.Json;

namespace Resolute.Cli.Tests;

[Trait("Area", "Cli")]
[Collection(CliHostGroup.Name)]
public sealed class WatchCommandTests(CliHost host)
{
    [Fact]
    public async Task Watch_follows_a_running_run_and_ends_with_its_final_status()
    {
        var runId = Guid.NewGuid();
        var result = await WatchFromBeforeTheStartAsync(runId, host.Flows.Fan, "watch");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("left", result.Output, StringComparison.Ordinal);
        Assert.Contains("right", result.Output, StringComparison.Ordinal);
        Assert.Contains("3/3 nodes 100%", result.Output, StringComparison.Ordinal);
        Assert.Contains("NodeStarted fan/left attempt 1", result.Output, StringComparison.Ordinal);
        Assert.Contains("NodeFailed flaky attempt 1 System.InvalidOperationException: first attempts of flaky fail (will retry)", result.Output, StringComparison.Ordinal);
        var last = result.Output.TrimEnd().Split('\n')[^1];
        Assert.StartsWith($"Run {runId} ended Completed after ", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_terminal_watch_redraws_a_live_table_and_ends_with_the_final_status()
    {
        var runId = await host.Client.StartAsync(host.Flows.Fan.Name, new Ticket("watch-live"));

        var result = await host.RunOnTerminalAsync("watch", runId.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\u001b[", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("NodeStarted", result.Output, StringComparison.Ordinal);
        Assert.Contains("3/3 nodes 100%", result.Output, StringComparison.Ordinal);
        Assert.Contains($"ended", result.Output, StringComparison.Ordinal);
        Assert.Contains("Completed", result.Output[result.Output.LastIndexOf("ended", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_of_a_failing_run_exits_1_and_says_why()
    {
        var runId = await host.Client.StartAsync(host.Flows.Undo.Name, new Ticket("watch-fail"));

        var result = await host.RunAsync("watch", runId.ToString());

        Assert.Equal(ExitCodes.RunNotCompleted, result.ExitCode);
        Assert.Contains($"Run {runId} ended Failed", result.Output, StringComparison.Ordinal);
        Assert.Contains("flow 'cli-undo', step 'boom', node 'boom', attempt 1: Resolute.NonRetryableException: boom for watch-fail", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_as_json_writes_one_event_per_line_ending_with_the_run_end()
    {
        var runId = Guid.NewGuid();
        var result = await WatchFromBeforeTheStartAsync(runId, host.Flows.Undo, "watch-json", "--output", "json");

        Assert.Equal(ExitCodes.RunNotCompleted, result.ExitCode);
        var events = result.Output.TrimEnd().Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("Snapshot", events[0].GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, events[0].GetProperty("run").ValueKind);
        Assert.Equal("RunStarted", events[1].GetProperty("kind").GetString());
        Assert.Equal("RunFailed", events[^1].GetProperty("kind").GetString());
        Assert.All(events, e => Assert.Equal(runId, e.GetProperty("runId").GetGuid()));
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "CompensationCompleted" && e.GetProperty("node").GetString() == "undo-left");
        Assert.DoesNotContain('\u001b', result.Output);
    }

    [Fact]
    public async Task Watch_of_an_ended_run_shows_it_and_ends()
    {
        var run = await host.EndedRunAsync(host.Flows.Fan, "watch-ended");

        var result = await host.RunAsync("watch", run.RunId.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("flaky", result.Output, StringComparison.Ordinal);
        Assert.StartsWith($"Run {run.RunId} ended Completed", result.Output.TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_of_a_run_that_never_appears_exits_3()
    {
        var runId = Guid.NewGuid();

        var result = await host.RunAsync("watch", runId.ToString(), "--wait-for-run", "1s");

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.StartsWith($"resolute watch: unknown run {runId}: it did not appear within 1s", result.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Watches a run that does not exist yet, and starts it only once the watch has said it is waiting for it: the watch
    /// is then subscribed, so it sees every event of the run.
    /// </summary>
    private async Task<CliResult> WatchFromBeforeTheStartAsync(Guid runId, Flow flow, string input, params string[] options)
    {
        var watch = host.Start(["watch", runId.ToString(), "--wait-for-run", "60s", .. options]);
        var json = options.Contains("json");
        await Persistence.EntityFrameworkCore.Tests.Support.Poll.UntilAsync(
            () => Task.FromResult(watch.Output),
            output => json ? output.Contains("\"kind\":\"Snapshot\"", StringComparison.Ordinal) : output.Contains("waiting for the run to appear", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "the watch to wait for the run");
        await host.Client.StartAsync(flow.Name, new Ticket(input), new Client.StartFlowOptions { RunId = runId });
        return await watch.EndAsync(TimeSpan.FromSeconds(60));
    }
}
