using System.Text.Json;
using Resolute.Contracts;

namespace Resolute.Cli.Tests;

[Trait("Area", "Cli")]
[Collection(CliHostGroup.Name)]
public sealed class StatusCommandTests(CliHost host)
{
    [Fact]
    public async Task Status_of_a_completed_run_shows_its_status_and_every_attempt()
    {
        var run = await host.EndedRunAsync(host.Flows.Fan, "status-table");

        var result = await host.RunAsync("status", run.RunId.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(run.RunId.ToString(), result.Output, StringComparison.Ordinal);
        Assert.Contains("Completed", result.Output, StringComparison.Ordinal);
        Assert.Contains("left", result.Output, StringComparison.Ordinal);
        Assert.Contains("right", result.Output, StringComparison.Ordinal);
        Assert.Contains("first attempts of flaky fail", result.Output, StringComparison.Ordinal);
        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task Status_as_json_has_the_documented_property_names()
    {
        var run = await host.EndedRunAsync(host.Flows.Fan, "status-json");

        var result = await host.RunAsync("status", run.RunId.ToString(), "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        Assert.Equal(run.RunId, root.GetProperty("runId").GetGuid());
        Assert.Equal("cli-fan", root.GetProperty("flowName").GetString());
        Assert.Equal("Completed", root.GetProperty("status").GetString());
        Assert.True(root.GetProperty("durationMs").GetDouble() > 0);
        var attempts = root.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(4, attempts.Count);
        var retried = Assert.Single(attempts, a => a.GetProperty("node").GetString() == "flaky" && a.GetProperty("attempt").GetInt32() == 2);
        Assert.Equal("Completed", retried.GetProperty("outcome").GetString());
        Assert.Contains(attempts, a => a.GetProperty("errorMessage").GetString() == "first attempts of flaky fail");
        Assert.DoesNotContain('\u001b', result.Output);
    }

    [Fact]
    public async Task Status_of_an_unknown_run_exits_3_naming_the_run_and_where_it_asked()
    {
        var runId = Guid.NewGuid();

        var result = await host.RunAsync("status", runId.ToString());

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Equal($"resolute status: unknown run {runId} (asked the orchestrator via RabbitMQ at in-memory://embedded/)", result.Error.TrimEnd());
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task A_run_id_that_is_not_a_guid_is_a_usage_error()
    {
        var result = await host.RunAsync("status", "not-a-guid");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("'not-a-guid' is not a run id", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Status_reads_the_sqlite_database_with_db_and_needs_no_broker()
    {
        var run = await host.EndedRunAsync(host.Flows.Fan, "status-db");

        // The broker address is unreachable: --db must not touch it.
        var result = await CliHost.RunWithRabbitMqAsync("status", run.RunId.ToString(), "--db", $"Data Source={host.Database}",
            "--rabbitmq", "amqp://guest:guest@127.0.0.1:1/", "--connect-timeout", "2s", "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal("Completed", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(4, json.RootElement.GetProperty("attempts").GetArrayLength());
    }

    [Fact]
    public async Task Status_with_db_of_an_unknown_run_names_the_database()
    {
        var runId = Guid.NewGuid();

        var result = await CliHost.RunWithRabbitMqAsync("status", runId.ToString(), "--db", $"Data Source={host.Database}");

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Equal($"resolute status: unknown run {runId} (asked the SQLite database at {host.Database})", result.Error.TrimEnd());
    }

    [Fact]
    public async Task Db_naming_a_missing_sqlite_file_cannot_connect_and_creates_nothing()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"resolute-cli-missing-{Guid.NewGuid():N}.db");

        var result = await CliHost.RunWithRabbitMqAsync("status", Guid.NewGuid().ToString(), "--db", $"Data Source={missing}");

        Assert.Equal(ExitCodes.CannotConnect, result.ExitCode);
        Assert.Equal($"resolute status: cannot open the SQLite database at {missing} (no such file)", result.Error.TrimEnd());
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task Db_whose_provider_cannot_be_inferred_is_a_usage_error_naming_the_choices()
    {
        var result = await CliHost.RunWithRabbitMqAsync("status", Guid.NewGuid().ToString(), "--db", "Foo=bar");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--db-provider postgres|sqlserver|sqlite", result.Error, StringComparison.Ordinal);
    }
}
