using System.Text.Json;
using Resolute.Cli;
using Resolute.Cli.Connection;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Spectre.Console.Testing;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Cli;

/// <summary>
/// The <c>resolute</c> tool as an operator runs it against a deployment: its production RabbitMQ connector talks to the
/// cluster's broker (orchestrator and worker are separate processes on PostgreSQL), and <c>--db</c> reads the cluster's
/// PostgreSQL database directly. Start with --wait, status, runs, flows, history and watch each end with exit code 0 and
/// the run's figures.
/// </summary>
[Trait("Area", "Cli")]
public sealed class CliOverRabbitMqScenario(SingleWorkerCluster cluster, ITestOutputHelper output)
    : EngineScenario<SingleWorkerCluster>(cluster, output), IClassFixture<SingleWorkerCluster>
{
    [Fact]
    public async Task Every_read_command_and_start_with_wait_work_over_the_broker_and_the_database()
    {
        var broker = Cluster.RabbitMqUri.ToString();

        var start = await RunAsync("start", TypedInputFlow.Name, "--input", """{"count":21}""", "--wait", "--rabbitmq", broker, "--output", "json");
        Assert.True(start.ExitCode == 0, start.ToString());
        Guid runId;
        using (var json = JsonDocument.Parse(start.Output))
        {
            runId = json.RootElement.GetProperty("runId").GetGuid();
            Assert.Equal("Completed", json.RootElement.GetProperty("run").GetProperty("status").GetString());
        }

        var status = await RunAsync("status", runId.ToString(), "--rabbitmq", broker, "--output", "json");
        Assert.True(status.ExitCode == 0, status.ToString());
        using (var json = JsonDocument.Parse(status.Output))
        {
            Assert.Equal("Completed", json.RootElement.GetProperty("status").GetString());
        }

        var fromDatabase = await RunAsync("status", runId.ToString(), "--db", Cluster.PostgresConnectionString, "--output", "json");
        Assert.True(fromDatabase.ExitCode == 0, fromDatabase.ToString());
        using (var json = JsonDocument.Parse(fromDatabase.Output))
        {
            Assert.Equal("Completed", json.RootElement.GetProperty("status").GetString());
        }

        var runs = await RunAsync("runs", "--flow", TypedInputFlow.Name, "--rabbitmq", broker);
        Assert.True(runs.ExitCode == 0, runs.ToString());
        Assert.Contains(runId.ToString(), runs.Output, StringComparison.Ordinal);

        var flows = await RunAsync("flows", "--rabbitmq", broker);
        Assert.True(flows.ExitCode == 0, flows.ToString());
        Assert.Contains(TypedInputFlow.FirstNode, flows.Output, StringComparison.Ordinal);

        var history = await RunAsync("history", runId.ToString(), "--rabbitmq", broker);
        Assert.True(history.ExitCode == 0, history.ToString());
        Assert.Contains(TypedInputFlow.FirstNode, history.Output, StringComparison.Ordinal);

        var watch = await RunAsync("watch", runId.ToString(), "--rabbitmq", broker);
        Assert.True(watch.ExitCode == 0, watch.ToString());
        Assert.Contains("Completed", watch.Output, StringComparison.Ordinal);
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task An_unknown_run_exits_3_naming_the_broker_without_its_password()
    {
        var runId = Guid.NewGuid();
        var result = await RunAsync("status", runId.ToString(), "--rabbitmq", Cluster.RabbitMqUri.ToString());

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Contains($"unknown run {runId}", result.Error, StringComparison.Ordinal);
        Assert.Contains(Cluster.VirtualHost, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(":guest@", result.Error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var console = new TestConsole().Width(160);
        using var error = new StringWriter();
        // Nothing from the machine's environment: only the options on the command line.
        var context = new CliContext(console, error, new RabbitMqBrokerConnector(), new DatabaseRunReaderFactory(), _ => null, TimeProvider.System);
        var exitCode = await ResoluteCli.RunAsync(args, context);
        return (exitCode, console.Output, error.ToString());
    }
}
