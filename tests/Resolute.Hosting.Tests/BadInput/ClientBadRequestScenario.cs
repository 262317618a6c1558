using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Client;
using Resolute.Contracts;

namespace Resolute.Hosting.Tests.BadInput;

/// <summary>
/// Requests through <see cref="IFlowClient"/> and the bus that name no flow, a run that is not there or has ended, a run
/// that is already failing, or reuse an idempotency key with another input: each gets an answer that says what happened
/// (embedded: in-memory transport, SQLite), and a healthy run beside it is not affected.
/// </summary>
[Trait("Area", "BadInput")]
public sealed class ClientBadRequestScenario : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _database = SqliteFiles.NewPath();

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_or_whitespace_flow_name_is_refused_by_the_client_and_fails_a_run_published_on_the_bus(string flowName)
    {
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(EchoFlow()));

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => host.Client.StartAsync(flowName, "x"));
        Assert.Equal("flowName", refused.ParamName);

        var runId = NewId.NextGuid();
        await host.Services.GetRequiredService<IBus>().Publish(new StartFlow { RunId = runId, FlowName = flowName, InputJson = "\"x\"", RequestedAt = DateTimeOffset.UtcNow });
        var good = await host.Client.StartAsync("echo", "fine");

        var bad = await host.Client.WaitForCompletionAsync(runId, Patience);
        Assert.Equal(RunStatus.Failed, bad.Status);
        Assert.Equal(ErrorTypes.UnknownFlow, bad.Error!.Error.Type);
        Assert.Contains("names no flow", bad.Error.Error.Message, StringComparison.Ordinal);
        Assert.Contains("'echo'", bad.Error.Error.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Completed, (await host.Client.WaitForCompletionAsync(good, Patience)).Status);
    }

    [Fact]
    public async Task CancelAsync_of_an_unknown_run_answers_NotFound_and_of_a_finished_run_AlreadyEnded()
    {
        await using var host = await EmbeddedHost.StartAsync(_database, r => r
            .AddFlow(EchoFlow())
            .ConfigureClient(c => c.CancelConfirmationTimeout = TimeSpan.FromSeconds(2)));
        var finished = await host.Client.StartAsync("echo", "done");
        await host.Client.WaitForCompletionAsync(finished, Patience);
        var unknown = NewId.NextGuid();

        var notFound = await host.Client.CancelAsync(unknown, "wrong id");
        var ended = await host.Client.CancelAsync(finished, "too late");

        Assert.Equal(CancelFlowRunOutcome.NotFound, notFound.Outcome);
        Assert.Null(notFound.Status);
        Assert.Contains($"No run {unknown} was found", notFound.Message, StringComparison.Ordinal);
        Assert.Contains("Check the run id", notFound.Message, StringComparison.Ordinal);
        Assert.Equal(CancelFlowRunOutcome.AlreadyEnded, ended.Outcome);
        Assert.Equal(RunStatus.Completed, ended.Status);
        Assert.Contains("had already ended Completed", ended.Message, StringComparison.Ordinal);
        var after = await host.Client.GetRunAsync(finished);
        Assert.Equal(RunStatus.Completed, after!.Status);
        Assert.Empty(after.Snapshot.CancelRequests);
        Assert.Null(await host.Client.GetRunAsync(unknown));
    }

    [Fact]
    public async Task CancelAsync_while_the_run_compensates_is_Declined_and_recorded_and_a_running_run_is_Accepted()
    {
        var compensationMayFinish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondMayFinish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Node.Create<string, string>("first", (kind, _) => Task.FromResult(kind))
            .OnError(Node.Create<string, string>("undo-first", async (_, context) =>
            {
                await compensationMayFinish.Task.WaitAsync(context.CancellationToken);
                return "undone";
            }).WithInput(s => s.Get<string>("first")));
        var second = Node.Create<string, string>("second", async (kind, context) =>
        {
            if (kind == "fail")
            {
                throw new InvalidOperationException("payment refused");
            }

            await secondMayFinish.Task.WaitAsync(context.CancellationToken);
            return "done";
        }).WithInput(s => s.Get<string>("first")).WithRetry(new RetryPolicy { MaximumAttempts = 1 });
        var flow = Flow.Create("orders").TriggeredBy(Trigger.Manual()).Then(first).Then(second).Build();
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flow));
        var failing = await host.Client.StartAsync("orders", "fail");
        var running = await host.Client.StartAsync("orders", "wait");
        await WaitUntilAsync(host.Client, failing, run => run.Status == RunStatus.Compensating);
        await WaitUntilAsync(host.Client, running, run => run.History.Any(e => e.NodeName == "second"));

        var declined = await host.Client.CancelAsync(failing, "customer gave up");
        var accepted = await host.Client.CancelAsync(running, "customer gave up");
        compensationMayFinish.SetResult();

        Assert.Equal(CancelFlowRunOutcome.Declined, declined.Outcome);
        Assert.False(declined.IsCancelling);
        Assert.Equal(RunStatus.Compensating, declined.Status);
        Assert.StartsWith("The run is already compensating after flow 'orders', step 'second', node 'second', attempt 1: System.InvalidOperationException: payment refused;", declined.Message, StringComparison.Ordinal);
        Assert.Equal(CancelFlowRunOutcome.Accepted, accepted.Outcome);
        Assert.True(accepted.IsCancelling);

        var failed = await host.Client.WaitForCompletionAsync(failing, Patience);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal("payment refused", failed.Error!.Error.Message);
        var record = Assert.Single(failed.Snapshot.CancelRequests);
        Assert.Equal((declined.RequestId, CancelRequestOutcome.Declined, "customer gave up"), (record.RequestId!.Value, record.Outcome, record.Reason));
        var cancelled = await host.Client.WaitForCompletionAsync(running, Patience);
        Assert.Equal(RunStatus.Cancelled, cancelled.Status);
        Assert.Equal(CancelRequestOutcome.Accepted, Assert.Single(cancelled.Snapshot.CancelRequests).Outcome);
    }

    [Fact]
    public async Task An_idempotency_key_reused_with_another_input_returns_the_first_run_which_records_the_refused_start()
    {
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(EchoFlow()));
        var options = new StartFlowOptions { IdempotencyKey = "invoice-7" };
        var first = await host.Client.StartAsync("echo", "first input", options);
        var firstRun = await host.Client.WaitForCompletionAsync(first, Patience);

        var second = await host.Client.StartAsync("echo", "second input", options);
        var other = await host.Client.StartAsync("echo", "another run");

        Assert.Equal(first, second);
        var refused = await WaitUntilAsync(host.Client, first, run => run.Snapshot.RefusedStarts.Count > 0);
        var record = Assert.Single(refused.Snapshot.RefusedStarts);
        Assert.Equal("invoice-7", record.IdempotencyKey);
        Assert.Contains("Idempotency key 'invoice-7' was already used", record.Reason, StringComparison.Ordinal);
        Assert.Contains("the first start wins", record.Reason, StringComparison.Ordinal);
        Assert.Equal("first input", refused.State.Get<string>("echo"));
        Assert.Equal(firstRun.History, refused.History);
        Assert.Equal(RunStatus.Completed, (await host.Client.WaitForCompletionAsync(other, Patience)).Status);
    }

    public void Dispose() => SqliteFiles.Delete(_database);

    private static Flow EchoFlow() => Flow.Create("echo").TriggeredBy(Trigger.Manual())
        .Then(Node.Create<string, string>("echo", (text, _) => Task.FromResult(text)))
        .Build();

    private static async Task<FlowRunDescription> WaitUntilAsync(IFlowClient client, Guid runId, Func<FlowRunDescription, bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (true)
        {
            var run = await client.GetRunAsync(runId);
            if (run is not null && condition(run))
            {
                return run;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"Run {runId} did not reach the expected state within {Patience}; last seen: {run?.ToString() ?? "not found"}.");
            await Task.Delay(20);
        }
    }
}
