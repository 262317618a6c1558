using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Contracts;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Hosting.Tests.NodeWorkers;

/// <summary>
/// A worker and the copies of a command: one delivered again (while the node runs, or after) is answered with the reply
/// already given and the node does not run twice; one started late says so first; one taken after its start-by time is
/// dropped unrun. A worker-only embedded host, fed <see cref="ExecuteNode"/> directly, its replies read off the bus.
/// </summary>
[Trait("Area", "Durability")]
public sealed class NodeCommandCopiesScenario : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly string _database = SqliteFiles.NewPath();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<object> _replies = new();
    private int _executions;
    private Flow _flow = null!;
    private EmbeddedHost? _host;

    private EmbeddedHost Host => _host ?? throw new InvalidOperationException("StartAsync first.");

    /// <param name="concurrentNodes">How many commands the worker takes at once (1: in the order sent).</param>
    private async Task StartAsync(int concurrentNodes = 16)
    {
        var gated = Node.Create<int, int>("gated", async (value, context) =>
        {
            Interlocked.Increment(ref _executions);
            await _release.Task.WaitAsync(context.CancellationToken);
            return value * 2;
        });
        _flow = Flow.Create("copies").TriggeredBy(Trigger.Manual()).Then(gated).Build();
        _host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(_flow).AsWorker().ConfigureWorker(o => o.ConcurrentNodeLimit = concurrentNodes));
        var handle = _host.Services.GetRequiredService<IBus>().ConnectReceiveEndpoint(
            new TemporaryEndpointDefinition("copies-replies"),
            KebabCaseEndpointNameFormatter.Instance,
            e =>
            {
                e.Handler<NodeCompleted>(c => Note(c.Message));
                e.Handler<NodeFailed>(c => Note(c.Message));
                e.Handler<NodeStarted>(c => Note(c.Message));
            });
        await handle.Ready.WaitAsync(Deadline);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        SqliteFiles.Delete(_database);
    }

    [Fact]
    public async Task A_command_delivered_again_while_its_node_runs_and_after_it_ended_runs_the_node_once_and_every_copy_gets_the_same_reply()
    {
        await StartAsync();
        var command = Command(DateTimeOffset.UtcNow);

        await SendAsync(command);
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref _executions)), n => n == 1, Deadline, "the node to start");
        await SendAsync(command);
        _release.SetResult();
        var replies = await Poll.UntilAsync(() => Task.FromResult(Replies<NodeCompleted>(command)), r => r.Count == 2, Deadline, "a reply to each copy");
        await SendAsync(command);
        replies = await Poll.UntilAsync(() => Task.FromResult(Replies<NodeCompleted>(command)), r => r.Count == 3, Deadline, "a reply to the copy sent after the end");

        Assert.Equal(1, Volatile.Read(ref _executions));
        Assert.All(replies, r => Assert.Equal("42", r.OutputJson));
        Assert.Single(replies.Select(r => (r.StartedAt, r.CompletedAt, r.WorkerId)).Distinct());
    }

    [Fact]
    public async Task A_command_started_after_half_its_grace_was_spent_in_the_queue_tells_the_orchestrator_before_the_node_runs()
    {
        await StartAsync();
        _release.SetResult();
        var dispatched = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(40);

        // Timeout 30 s, grace 30 s: the reply is due 60 s after the dispatch, and 40 s of it went by in the queue.
        var late = Command(dispatched) with { ReplyBy = dispatched + TimeSpan.FromSeconds(60) };
        var onTime = Command(DateTimeOffset.UtcNow) with { ReplyBy = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60) };
        await SendAsync(late);
        await SendAsync(onTime);
        await Poll.UntilAsync(() => Task.FromResult(Replies<NodeCompleted>(late).Count + Replies<NodeCompleted>(onTime).Count), n => n == 2, Deadline, "both replies");

        var started = Assert.Single(Replies<NodeStarted>(late));
        Assert.Equal(Replies<NodeCompleted>(late).Single().StartedAt, started.StartedAt);
        Assert.Empty(Replies<NodeStarted>(onTime));
    }

    [Fact]
    public async Task A_command_taken_after_its_start_by_time_is_dropped_without_running_the_node_or_replying()
    {
        await StartAsync(concurrentNodes: 1);
        _release.SetResult();
        var expired = Command(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(11)) with { StartBy = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1) };
        var fresh = Command(DateTimeOffset.UtcNow);

        await SendAsync(expired);
        await SendAsync(fresh);
        await Poll.UntilAsync(() => Task.FromResult(Replies<NodeCompleted>(fresh)), r => r.Count == 1, Deadline, "the fresh command's reply");

        // One endpoint, taken in order: the expired copy was handled (and dropped) before the fresh one's reply.
        Assert.Equal(1, Volatile.Read(ref _executions));
        Assert.DoesNotContain(_replies, r => r is NodeCompleted c && c.ExecutionId == expired.ExecutionId);
        Assert.DoesNotContain(_replies, r => r is NodeFailed f && f.ExecutionId == expired.ExecutionId);
    }

    private ExecuteNode Command(DateTimeOffset dispatchedAt) => new()
    {
        RunId = Guid.NewGuid(),
        ExecutionId = Guid.NewGuid(),
        FlowName = _flow.Name,
        FlowVersion = _flow.Version,
        NodeName = "gated",
        StepName = "gated",
        Attempt = 1,
        IdempotencyKey = "copies",
        InputJson = "21",
        Timeout = TimeSpan.FromSeconds(30),
        DispatchedAt = dispatchedAt,
    };

    private async Task SendAsync(ExecuteNode command)
    {
        var endpoint = await Host.Services.GetRequiredService<IBus>().GetSendEndpoint(QueueNames.Address(FlowRegistry.DefaultTaskQueue));
        await endpoint.Send(command);
    }

    private Task Note(object reply)
    {
        _replies.Enqueue(reply);
        return Task.CompletedTask;
    }

    private List<T> Replies<T>(ExecuteNode command) => _replies.OfType<T>().Where(r => ExecutionOf(r!) == command.ExecutionId).ToList();

    private static Guid ExecutionOf(object reply) => reply switch
    {
        NodeCompleted c => c.ExecutionId,
        NodeFailed f => f.ExecutionId,
        NodeStarted s => s.ExecutionId,
        _ => Guid.Empty,
    };
}
