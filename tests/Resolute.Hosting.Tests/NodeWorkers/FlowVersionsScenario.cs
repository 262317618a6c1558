using System.Collections.Concurrent;
using Resolute.Contracts;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Hosting.Tests.NodeWorkers;

/// <summary>
/// A worker serves every flow version it has registered — the current one and previous ones kept with
/// <c>AddPreviousFlowVersion</c> — and declines a command for any other version, without running anything.
/// </summary>
[Trait("Area", "Durability")]
public sealed class FlowVersionsScenario : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<string> _ran = new();
    private DirectWorkerHost _worker = null!;

    private Flow Version1 { get; set; } = null!;

    private Flow Version2 { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Version1 = Flow.Create("versioned").TriggeredBy(Trigger.Manual()).Then(Recording("a", "v1")).Build();
        Version2 = Flow.Create("versioned").TriggeredBy(Trigger.Manual()).Then(Recording("a", "v2")).Then(Recording("b", "v2")).Build();
        _worker = await DirectWorkerHost.StartAsync(r => r.AddFlow(Version2).AddPreviousFlowVersion(Version1));
    }

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Commands_of_the_current_and_the_kept_version_each_run_their_own_definitions_node()
    {
        var old = Command(Version1);
        var current = Command(Version2);

        await _worker.SendAsync(old);
        await _worker.SendAsync(current);
        await Poll.UntilAsync(() => Task.FromResult(_worker.Replies.OfType<NodeCompleted>().Count()), n => n == 2, Deadline, "both replies");

        Assert.Equal(["a@v1", "a@v2"], _ran.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_command_for_a_version_the_worker_does_not_have_is_declined_saying_what_it_has_and_nothing_runs()
    {
        var unknown = Command(Version1) with { FlowVersion = "00000000deadbeef" };
        var otherFlow = Command(Version1) with { FlowName = "never-deployed" };

        await _worker.SendAsync(unknown);
        await _worker.SendAsync(otherFlow);
        var declined = await Poll.UntilAsync(() => Task.FromResult(_worker.Replies.OfType<NodeVersionUnavailable>().ToList()), d => d.Count == 2, Deadline, "two declines");

        Assert.Empty(_ran);
        Assert.Empty(_worker.Replies.OfType<NodeFailed>());
        var version = Assert.Single(_worker.RepliesTo<NodeVersionUnavailable>(unknown));
        Assert.Equal("00000000deadbeef", version.FlowVersion);
        Assert.Contains($"{Version2.Version} (current), {Version1.Version}", version.Reason, StringComparison.Ordinal);
        Assert.Equal(FlowRegistry.DefaultTaskQueue, version.TaskQueue);
        Assert.Contains("no flow of that name", Assert.Single(_worker.RepliesTo<NodeVersionUnavailable>(otherFlow)).Reason, StringComparison.Ordinal);
    }

    private Node<int, int> Recording(string name, string version) => Node.Create<int, int>(name, (value, _) =>
    {
        _ran.Enqueue($"{name}@{version}");
        return Task.FromResult(value);
    });

    private static ExecuteNode Command(Flow flow) => new()
    {
        RunId = Guid.NewGuid(),
        ExecutionId = Guid.NewGuid(),
        FlowName = flow.Name,
        FlowVersion = flow.Version,
        NodeName = "a",
        StepName = "a",
        Attempt = 1,
        IdempotencyKey = "versions",
        InputJson = "1",
        Timeout = TimeSpan.FromSeconds(30),
        DispatchedAt = DateTimeOffset.UtcNow,
    };
}
