using System.Text.Json;
using Resolute.Contracts;

namespace Resolute.Cli.Tests;

[Trait("Area", "Cli")]
[Collection(CliHostGroup.Name)]
public sealed class CancelCommandTests(CliHost host)
{
    [Fact]
    public async Task Cancelling_a_running_run_is_accepted_and_the_run_ends_cancelled()
    {
        var runId = await host.Client.StartAsync(host.Flows.Slow.Name, new Ticket("cancel-me"));
        await host.WaitForStatusAsync(runId, s => s == RunStatus.Running, "the slow run to be running");

        var result = await host.RunAsync("cancel", runId.ToString(), "--reason", "from the CLI test");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("Accepted: ", result.Output, StringComparison.Ordinal);
        var ended = await host.WaitForStatusAsync(runId, s => s.HasEnded(), "the cancelled run to end");
        Assert.Equal(RunStatus.Cancelled, ended.Status);
        Assert.Equal("from the CLI test", Assert.Single(ended.Snapshot.CancelRequests).Reason);
    }

    [Fact]
    public async Task Cancelling_an_ended_run_changes_nothing_and_exits_1()
    {
        var run = await host.EndedRunAsync(host.Flows.Fan, "cancel-ended");

        var result = await host.RunAsync("cancel", run.RunId.ToString(), "--output", "json");

        Assert.Equal(ExitCodes.RunNotCompleted, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal("AlreadyEnded", json.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("Completed", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(run.RunId, json.RootElement.GetProperty("runId").GetGuid());
    }

    [Fact]
    public async Task Cancelling_an_unknown_run_exits_3()
    {
        var runId = Guid.NewGuid();

        var result = await host.RunAsync("cancel", runId.ToString());

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Equal($"resolute cancel: unknown run {runId} (asked the orchestrator via RabbitMQ at in-memory://embedded/)", result.Error.TrimEnd());
    }
}
