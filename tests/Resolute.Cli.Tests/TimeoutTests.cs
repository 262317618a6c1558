using MassTransit;
using Resolute.Client;
using Resolute.Contracts;

namespace Resolute.Cli.Tests;

[Trait("Area", "Cli")]
[Collection(CliHostGroup.Name)]
public sealed class TimeoutTests(CliHost host)
{
    [Fact]
    public async Task Start_wait_past_its_timeout_exits_5_naming_the_run_and_the_deadline()
    {
        var result = await host.RunAsync("start", "cli-slow", "--input", """{"id":"too-slow"}""", "--wait", "--timeout", "2s", "-o", "json");

        Assert.Equal(ExitCodes.TimedOut, result.ExitCode);
        // "did not end within", or on a slow machine "was not found within": either way the client's deadline, named.
        Assert.Contains("within 00:00:02", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        var runId = Guid.Parse(result.Error.Split("Run ")[1].Split(' ')[0]);
        await host.Client.CancelAsync(runId, "the timeout test is done with it");
    }

    [Theory]
    [InlineData("status")]
    [InlineData("runs")]
    [InlineData("flows")]
    [InlineData("schedules")]
    public async Task An_orchestrator_that_does_not_answer_exits_5(string command)
    {
        string[] args = command == "status" ? [command, Guid.NewGuid().ToString()] : [command];

        var result = await CliHost.RunWithClientAsync(new SilentOrchestrator(), args);

        Assert.Equal(ExitCodes.TimedOut, result.ExitCode);
        Assert.Equal(
            $"resolute {command}: the orchestrator did not answer via RabbitMQ at amqp://localhost:5672/ within the request timeout (--request-timeout): is an orchestrator running on this broker?",
            result.Error.TrimEnd());
    }

    /// <summary>A broker with no orchestrator behind it: every request times out, as MassTransit reports it.</summary>
    private sealed class SilentOrchestrator : IFlowClient
    {
        private static RequestTimeoutException Silence() => new RequestTimeoutException("Timeout waiting for response");

        public Task<Guid> StartAsync(string flowName, object? input = null, StartFlowOptions? options = null, CancellationToken cancellationToken = default) => throw Silence();

        public Task<FlowRunDescription?> GetRunAsync(Guid runId, CancellationToken cancellationToken = default) => throw Silence();

        public Task<FlowRunDescription> WaitForCompletionAsync(Guid runId, TimeSpan timeout, CancellationToken cancellationToken = default) => throw Silence();

        public Task<CancelFlowRunResult> CancelAsync(Guid runId, string? reason = null, CancellationToken cancellationToken = default) => throw Silence();

        public Task<FlowScheduleStatus> PauseScheduleAsync(string flowName, string? reason = null, CancellationToken cancellationToken = default) => throw Silence();

        public Task<FlowScheduleStatus> ResumeScheduleAsync(string flowName, CancellationToken cancellationToken = default) => throw Silence();

        public Task<IReadOnlyList<FlowScheduleStatus>> GetSchedulesAsync(string? flowName = null, int nextFireTimes = 5, CancellationToken cancellationToken = default) => throw Silence();

        public Task<FlowRunPage> ListRunsAsync(FlowRunQuery? query = null, CancellationToken cancellationToken = default) => throw Silence();

        public Task<IReadOnlyList<FlowDescription>> GetFlowsAsync(CancellationToken cancellationToken = default) => throw Silence();

        public IAsyncEnumerable<FlowRunEvent> WatchAsync(Guid runId, CancellationToken cancellationToken = default) => throw Silence();
    }
}
