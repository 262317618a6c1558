using System.Text.Json;

namespace Resolute.Cli.Tests;

[Trait("Area", "Cli")]
[Collection(CliHostGroup.Name)]
public sealed class RunsCommandTests(CliHost host)
{
    [Fact]
    public async Task Runs_lists_runs_filtered_by_flow_and_status_newest_first()
    {
        var failed = await host.EndedRunAsync(host.Flows.Undo, "runs-failed");
        var completed = await host.EndedRunAsync(host.Flows.Fan, "runs-completed");

        var result = await host.RunAsync("runs", "--flow", "cli-undo", "--status", "Failed,Cancelled", "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Contains(runs, r => r.GetProperty("runId").GetGuid() == failed.RunId);
        Assert.DoesNotContain(runs, r => r.GetProperty("runId").GetGuid() == completed.RunId);
        Assert.All(runs, r => Assert.Equal("Failed", r.GetProperty("status").GetString()));
        var created = runs.Select(r => r.GetProperty("createdAt").GetDateTimeOffset()).ToList();
        Assert.Equal(created.OrderByDescending(c => c), created);
    }

    [Fact]
    public async Task Runs_pages_with_limit_and_the_printed_page_token()
    {
        await host.EndedRunAsync(host.Flows.Fan, "runs-page-1");
        await host.EndedRunAsync(host.Flows.Fan, "runs-page-2");

        var first = await host.RunAsync("runs", "--flow", "cli-fan", "--limit", "1", "--output", "json");
        using var firstJson = JsonDocument.Parse(first.Output);
        var token = firstJson.RootElement.GetProperty("nextPageToken").GetString();
        Assert.NotNull(token);
        var second = await host.RunAsync("runs", "--flow", "cli-fan", "--limit", "1", "--page-token", token, "--output", "json");
        using var secondJson = JsonDocument.Parse(second.Output);

        Assert.NotEqual(
            firstJson.RootElement.GetProperty("runs")[0].GetProperty("runId").GetGuid(),
            secondJson.RootElement.GetProperty("runs")[0].GetProperty("runId").GetGuid());
        var table = await host.RunAsync("runs", "--flow", "cli-fan", "--limit", "1");
        Assert.Contains("More runs: add --page-token", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_as_a_table_shows_status_and_error()
    {
        var failed = await host.EndedRunAsync(host.Flows.Undo, "runs-table");

        var result = await host.RunAsync("runs", "--flow", "cli-undo", "--since", "1h");

        Assert.True(result.ExitCode == 0, result.ToString());
        var row = Assert.Single(result.Output.Split('\n'), l => l.Contains(failed.RunId.ToString(), StringComparison.Ordinal));
        Assert.Contains("Failed", row, StringComparison.Ordinal);
        Assert.Contains("boom", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_reads_the_sqlite_database_with_db()
    {
        var run = await host.EndedRunAsync(host.Flows.Fan, "runs-db");

        var result = await CliHost.RunWithRabbitMqAsync("runs", "--db", $"Data Source={host.Database}", "--flow", "cli-fan", "--since", "2000-01-01", "--limit", "1000", "-o", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        Assert.Contains(json.RootElement.GetProperty("runs").EnumerateArray(), r => r.GetProperty("runId").GetGuid() == run.RunId);
    }

    [Theory]
    [InlineData("--status", "Bogus", "--status 'Bogus' is not a run status; allowed: Pending, Running, Compensating, Completed, Failed, CompensationFailed, Cancelled")]
    [InlineData("--limit", "0", "--limit must be between 1 and 1000")]
    [InlineData("--since", "yesterday-ish", "--since 'yesterday-ish' is neither a duration")]
    [InlineData("--page-token", "not-a-token", "--page-token is not one a run listing printed")]
    public async Task Bad_filters_are_usage_errors(string option, string value, string expected)
    {
        var result = await host.RunAsync("runs", option, value);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
    }
}
