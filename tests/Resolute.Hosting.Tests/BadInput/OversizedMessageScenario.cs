using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Contracts;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Hosting.Tests.BadInput;

/// <summary>
/// A message larger than <c>MaxMessageBytes</c> on a worker's task queue or the orchestrator's queue (embedded: in-memory
/// transport, SQLite): it is not read, lands in the queue's <c>_error</c> queue with a reason naming size, limit, queue,
/// message id and the fix, and the queue goes on with the next message. The limit sits at its smallest allowed value
/// here, and a run input over <c>MaxPayloadBytes</c> whose escaping doubles it still reaches the orchestrator and fails
/// in-band with <c>PayloadTooLarge</c>.
/// </summary>
[Trait("Area", "BadInput")]
public sealed class OversizedMessageScenario : IAsyncLifetime
{
    private const string FlowName = "size-measure";
    private const int MaxPayloadBytes = 64 * 1024;
    private static readonly int MaxMessageBytes = (int)ResoluteOptionsValidation.SmallestMessageLimit(MaxPayloadBytes);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly string _database = SqliteFiles.NewPath();
    private readonly ConcurrentQueue<Refused> _refused = new();
    private int _executions;
    private EmbeddedHost? _host;

    private EmbeddedHost Host => _host ?? throw new InvalidOperationException("InitializeAsync first.");

    public async Task InitializeAsync()
    {
        var measure = Node.Create<string, int>("measure", (text, _) =>
        {
            Interlocked.Increment(ref _executions);
            return Task.FromResult(text.Length);
        });
        var flow = Flow.Create(FlowName).TriggeredBy(Trigger.Manual()).Then(measure).Build();
        _host = await EmbeddedHost.StartAsync(_database, r => r
            .AddFlow(flow)
            .ConfigureOrchestrator(o => (o.MaxPayloadBytes, o.MaxMessageBytes) = (MaxPayloadBytes, MaxMessageBytes))
            .ConfigureWorker(w => (w.MaxPayloadBytes, w.MaxMessageBytes) = (MaxPayloadBytes, MaxMessageBytes)));

        // Read both error queues; no topology, so published messages never arrive here.
        var bus = Host.Services.GetRequiredService<IBus>();
        foreach (var errorQueue in new[] { QueueNames.Orchestrator + "_error", FlowRegistry.DefaultTaskQueue + "_error" })
        {
            var handle = bus.ConnectReceiveEndpoint(errorQueue, e =>
            {
                e.ConfigureConsumeTopology = false;
                e.Handler<StartFlow>(c => Note(c, errorQueue));
                e.Handler<ExecuteNode>(c => Note(c, errorQueue));
            });
            await handle.Ready.WaitAsync(Deadline);
        }
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        SqliteFiles.Delete(_database);
    }

    [Fact]
    public async Task An_oversized_command_on_a_worker_queue_goes_to_its_error_queue_with_the_reason_and_the_worker_goes_on()
    {
        var messageId = NewId.NextGuid();
        var command = new ExecuteNode
        {
            RunId = Guid.NewGuid(),
            ExecutionId = Guid.NewGuid(),
            FlowName = FlowName,
            FlowVersion = "1",
            NodeName = "measure",
            StepName = "measure",
            Attempt = 1,
            IdempotencyKey = "oversized",
            InputJson = Json(new string('x', MaxMessageBytes)),
            Timeout = TimeSpan.FromSeconds(30),
            DispatchedAt = DateTimeOffset.UtcNow,
        };

        var endpoint = await Host.Services.GetRequiredService<IBus>().GetSendEndpoint(QueueNames.Address(FlowRegistry.DefaultTaskQueue));
        await endpoint.Send(command, c => c.MessageId = messageId);
        var refused = await RefusedAsync(messageId);

        Assert.Equal(FlowRegistry.DefaultTaskQueue + "_error", refused.ErrorQueue);
        AssertReason(refused, messageId, FlowRegistry.DefaultTaskQueue, "Resolute:Worker:MaxMessageBytes");

        // The next message on the same queue (a run's command) is handled; the oversized one never ran.
        var run = await Host.Client.WaitForCompletionAsync(await Host.Client.StartAsync(FlowName, "fine"), Deadline);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(1, Volatile.Read(ref _executions));
    }

    [Fact]
    public async Task An_oversized_start_on_the_orchestrator_queue_goes_to_its_error_queue_while_an_input_just_over_MaxPayloadBytes_fails_its_run_in_band()
    {
        var messageId = NewId.NextGuid();
        var runId = Guid.NewGuid();
        var start = new StartFlow { RunId = runId, FlowName = FlowName, InputJson = Json(new string('x', MaxMessageBytes)), RequestedAt = DateTimeOffset.UtcNow };

        var endpoint = await Host.Services.GetRequiredService<IBus>().GetSendEndpoint(QueueNames.Address(QueueNames.Orchestrator));
        await endpoint.Send(start, c => c.MessageId = messageId);
        var refused = await RefusedAsync(messageId);

        Assert.Equal(QueueNames.Orchestrator + "_error", refused.ErrorQueue);
        AssertReason(refused, messageId, QueueNames.Orchestrator, "Resolute:Orchestrator:MaxMessageBytes");
        Assert.Null(await Host.Client.GetRunAsync(runId));

        // Backslashes: an input whose JSON text is just over MaxPayloadBytes and made only of characters that double once
        // escaped inside the StartFlow message is still under the smallest MaxMessageBytes allowed, so the run fails with
        // the in-band error. (Sent as JSON text: the client's serialiser would write a string's quotes as 6-byte \u0022.)
        var backslashes = "\"" + new string('\\', MaxPayloadBytes) + "\"";
        var justOverId = Guid.NewGuid();
        await endpoint.Send(new StartFlow { RunId = justOverId, FlowName = FlowName, InputJson = backslashes, RequestedAt = DateTimeOffset.UtcNow });
        var tooLarge = await Host.Client.WaitForCompletionAsync(justOverId, Deadline);
        Assert.Equal(RunStatus.Failed, tooLarge.Status);
        Assert.Equal(ErrorTypes.PayloadTooLarge, tooLarge.Error!.Error.Type);

        var fine = await Host.Client.WaitForCompletionAsync(await Host.Client.StartAsync(FlowName, "fine"), Deadline);
        Assert.Equal(RunStatus.Completed, fine.Status);
        Assert.Single(_refused);
    }

    private static void AssertReason(Refused refused, Guid messageId, string queue, string key)
    {
        Assert.Equal(typeof(MessageTooLargeException).FullName, refused.ExceptionType);
        var reason = refused.Reason ?? "";
        Assert.Contains($"Message {messageId} on ", reason, StringComparison.Ordinal);
        Assert.Contains(queue, reason, StringComparison.Ordinal);
        Assert.Matches($@" is \d+ bytes; the limit is {MaxMessageBytes} bytes \({key}\)\.", reason);
        Assert.Contains("Send a reference", reason, StringComparison.Ordinal);
        Assert.Contains($"raise {key}", reason, StringComparison.Ordinal);
    }

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private async Task<Refused> RefusedAsync(Guid messageId) => (await Poll.UntilAsync(
        () => Task.FromResult(_refused.FirstOrDefault(r => r.MessageId == messageId)),
        r => r is not null,
        Deadline,
        "the oversized message in the error queue"))!;

    private Task Note(ConsumeContext context, string errorQueue)
    {
        var headers = context.ReceiveContext.TransportHeaders;
        _refused.Enqueue(new Refused(context.MessageId, errorQueue, headers.Get<string>("MT-Fault-Message"), headers.Get<string>("MT-Fault-ExceptionType")));
        return Task.CompletedTask;
    }

    private sealed record Refused(Guid? MessageId, string ErrorQueue, string? Reason, string? ExceptionType);
}
