using System.Text.Json;
using Resolute.Cli.Rendering;
using Resolute.Contracts;

namespace Resolute.Cli.Tests;

[Trait("Area", "Cli")]
[Collection(CliHostGroup.Name)]
public sealed class HistoryCommandTests(CliHost host)
{
    private static readonly char[] BarCharacters = [GanttChart.Completed, GanttChart.Failed, GanttChart.Compensation, GanttChart.Waiting, GanttChart.Running];

    [Fact]
    public async Task The_gantt_chart_overlaps_parallel_nodes_and_marks_the_retry_and_the_compensation()
    {
        var run = await host.EndedRunAsync(host.Flows.Undo, "gantt");
        Assert.Equal(RunStatus.Failed, run.Status);

        var result = await host.RunAsync("history", run.RunId.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Output.Split('\n');
        var left = Bar(Row(lines, l => l.StartsWith("fan/left ", StringComparison.Ordinal)));
        var right = Bar(Row(lines, l => l.StartsWith("fan/right ", StringComparison.Ordinal)));
        Assert.True(left.Start < right.End && right.Start < left.End, $"left {left} and right {right} should overlap:\n{result.Output}");

        var firstFlaky = Row(lines, l => l.StartsWith("flaky ", StringComparison.Ordinal) && !l.Contains('↻', StringComparison.Ordinal));
        var retry = Row(lines, l => l.Contains("flaky ↻ attempt 2", StringComparison.Ordinal));
        Assert.Contains(GanttChart.Failed, firstFlaky);
        Assert.Contains(GanttChart.Completed, retry);
        Assert.True(Bar(retry).Start >= Bar(firstFlaky).Start, result.Output);
        Assert.True(Bar(firstFlaky).Start >= left.Start, result.Output);

        var compensation = Row(lines, l => l.StartsWith("↩ ", StringComparison.Ordinal) && l.Contains("undo-left", StringComparison.Ordinal) && l.Contains("(compensation)", StringComparison.Ordinal));
        Assert.Contains(GanttChart.Compensation, compensation);
        Assert.True(Bar(compensation).Start >= Bar(retry).Start, result.Output);

        Assert.Contains("Failed", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("completed", StringComparison.Ordinal) && l.Contains("compensation ↩", StringComparison.Ordinal) && l.Contains("↻ retry attempt", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.True(l.Length <= 160, $"line wider than the console: {l}"));
    }

    [Fact]
    public async Task History_as_json_lists_every_attempt_with_its_offset()
    {
        var run = await host.EndedRunAsync(host.Flows.Undo, "gantt-json");

        var result = await host.RunAsync("history", run.RunId.ToString(), "-o", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var attempts = json.RootElement.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Contains(attempts, a => a.GetProperty("isCompensation").GetBoolean() && a.GetProperty("node").GetString() == "undo-left");
        Assert.Contains(attempts, a => a.GetProperty("node").GetString() == "flaky" && a.GetProperty("attempt").GetInt32() == 2);
        Assert.All(attempts, a => Assert.True(a.GetProperty("offsetMs").GetDouble() >= 0));
        Assert.Equal("Failed", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("boom", json.RootElement.GetProperty("error").GetProperty("node").GetString());
    }

    [Fact]
    public async Task History_reads_the_sqlite_database_with_db()
    {
        var run = await host.EndedRunAsync(host.Flows.Fan, "gantt-db");

        var result = await CliHost.RunWithRabbitMqAsync("history", run.RunId.ToString(), "--db", $"Data Source={host.Database}", "--db-provider", "sqlite");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("flaky ↻ attempt 2", result.Output, StringComparison.Ordinal);
        Assert.Contains("Completed", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_of_an_unknown_run_exits_3()
    {
        var runId = Guid.NewGuid();

        var result = await host.RunAsync("history", runId.ToString());

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Contains($"unknown run {runId}", result.Error, StringComparison.Ordinal);
    }

    private static string Row(string[] lines, Func<string, bool> match) =>
        lines.SingleOrDefault(match) ?? throw new Xunit.Sdk.XunitException($"no single matching row in:\n{string.Join('\n', lines)}");

    /// <summary>The columns a row's bar covers.</summary>
    private static (int Start, int End) Bar(string row) => (row.IndexOfAny(BarCharacters), row.LastIndexOfAny(BarCharacters) + 1);
}
