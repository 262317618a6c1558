using System.Text.Json;
using Resolute.Contracts;

namespace Resolute.Cli.Tests;

[Trait("Area", "Cli")]
[Collection(CliHostGroup.Name)]
public sealed class StartCommandTests(CliHost host)
{
    [Fact]
    public async Task Start_prints_the_run_id_and_the_run_goes_on()
    {
        var result = await host.RunAsync("start", "cli-fan", "--input", """{"id":"start-plain"}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        var runId = Guid.Parse(result.Output.Trim());
        var ended = await host.WaitForStatusAsync(runId, s => s.HasEnded(), "the started run to end");
        Assert.Equal(RunStatus.Completed, ended.Status);
        Assert.Equal("flaky start-plain", ended.State.Get<string>("flaky"));
    }

    [Fact]
    public async Task Start_with_wait_shows_the_ended_run_and_exits_0_when_it_completed()
    {
        var result = await host.RunAsync("start", "cli-fan", "-i", """{"id":"start-wait"}""", "--wait", "--timeout", "60s");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Completed", result.Output, StringComparison.Ordinal);
        Assert.Contains("flaky", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_with_wait_exits_1_when_the_run_fails()
    {
        var result = await host.RunAsync("start", "cli-undo", "--input", """{"id":"start-fail"}""", "--wait", "--output", "json");

        Assert.Equal(ExitCodes.RunNotCompleted, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal("Failed", json.RootElement.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal("cli-undo", json.RootElement.GetProperty("flowName").GetString());
    }

    [Fact]
    public async Task Start_reads_the_input_from_a_file_and_an_idempotency_key_names_one_run()
    {
        var file = Path.Combine(Path.GetTempPath(), $"resolute-cli-input-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{ "id": "from-file" }""");
        try
        {
            var key = $"key-{Guid.NewGuid():N}";
            var first = await host.RunAsync("start", "cli-fan", "--input", "@" + file, "--idempotency-key", key, "--output", "json");
            var second = await host.RunAsync("start", "cli-fan", "--input", "@" + file, "--idempotency-key", key, "--output", "json");

            Assert.True(first.ExitCode == 0, first.ToString());
            using var firstJson = JsonDocument.Parse(first.Output);
            using var secondJson = JsonDocument.Parse(second.Output);
            var runId = firstJson.RootElement.GetProperty("runId").GetGuid();
            Assert.Equal(runId, secondJson.RootElement.GetProperty("runId").GetGuid());
            Assert.Equal(key, firstJson.RootElement.GetProperty("idempotencyKey").GetString());
            var ended = await host.WaitForStatusAsync(runId, s => s.HasEnded(), "the run started from a file to end");
            Assert.Equal("flaky from-file", ended.State.Get<string>("flaky"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task An_unknown_flow_exits_3_listing_the_known_ones_and_starts_nothing()
    {
        var result = await host.RunAsync("start", "no-such-flow", "--input", "{}");

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Equal(
            "resolute start: unknown flow 'no-such-flow' (asked the orchestrator via RabbitMQ at in-memory://embedded/); known flows: cli-fan, cli-scheduled, cli-slow, cli-undo",
            result.Error.TrimEnd());
        var page = await host.Client.ListRunsAsync(new Client.FlowRunQuery { FlowName = "no-such-flow" });
        Assert.Empty(page.Runs);
    }

    [Theory]
    [InlineData("{\"id\":", "--input is not valid JSON")]
    [InlineData("not json", "--input is not valid JSON")]
    [InlineData("@/nonexistent/input.json", "cannot read --input file '/nonexistent/input.json'")]
    public async Task Bad_input_is_a_usage_error(string input, string expected)
    {
        var result = await host.RunAsync("start", "cli-fan", "--input", input);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith($"resolute start: {expected}", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
    }
}
