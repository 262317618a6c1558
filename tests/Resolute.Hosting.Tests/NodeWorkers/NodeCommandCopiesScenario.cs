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

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _executions;
    private Flow _flow = null!;
    private DirectWorkerHost? _worker;

    private DirectWorkerHost Worker => _worker ?? throw new InvalidOperationException("StartAsync first.");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }
    }

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
        _worker = await DirectWorkerHost.StartAsync(r => r.AddFlow(_flow).ConfigureWorker(o => o.ConcurrentNodeLimit = concurrentNodes));
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
        Assert.Empty(Replies<NodeCompleted>(expired));
        Assert.Empty(Replies<NodeFailed>(expired));
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

    private Task SendAsync(ExecuteNode command) => Worker.SendAsync(command);

    private List<T> Replies<T>(ExecuteNode command) => Worker.RepliesTo<T>(command);
}
