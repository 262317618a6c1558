using Resolute.Client;
using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Engine;

/// <summary>
/// Replies are delivered at least once, so the orchestrator sees duplicates: a duplicate (or stale) reply never
/// advances a run twice, never overwrites an output, and never changes an ended run. The duplicates are published by
/// the test itself on the bus, exactly as a redelivery would arrive.
/// </summary>
[Trait("Area", "Engine")]
public sealed class DuplicateReplyScenario(SingleWorkerCluster cluster, ITestOutputHelper output)
    : EngineScenario<SingleWorkerCluster>(cluster, output), IClassFixture<SingleWorkerCluster>
{
    [Fact]
    public async Task A_duplicate_reply_while_the_run_is_in_flight_does_not_advance_it_twice()
    {
        var runId = await Cluster.Client.StartAsync(TwoStepFlow.Name, new TwoStepRequest(7, 1500));
        var inFlight = await Cluster.WaitUntilAsync(runId,
            r => r.History.Any(e => e is { NodeName: "first", Outcome: NodeExecutionOutcome.Completed })
                 && r.History.Any(e => e is { NodeName: "second", Outcome: NodeExecutionOutcome.Pending }),
            "node 'first' completed and 'second' dispatched");
        var first = Assert.Single(inFlight.History, e => e.NodeName == "first");
        Assert.Equal(new FirstResult(21), inFlight.State.Get<FirstResult>("first"));

        // The same reply again, with another output: if it were taken, 'first' would be overwritten (and counted twice).
        await Cluster.Bus.Publish(DuplicateCompleted(runId, first, """{"tripled":999}"""));
        // And a stale failure report of the same attempt.
        await Cluster.Bus.Publish(StaleFailure(runId, first));
        var publishedAt = DateTimeOffset.UtcNow;

        var run = await Cluster.WaitForEndAsync(runId);

        Assert.True(run.Status == RunStatus.Completed, $"{run}; history: {EngineCluster.Describe(run.History)}");
        Assert.Equal(2, run.History.Count);
        Assert.Equal(first, Assert.Single(run.History, e => e.NodeName == "first"));
        var second = Assert.Single(run.History, e => e.NodeName == "second");
        Assert.Equal(NodeExecutionOutcome.Completed, second.Outcome);
        Assert.Equal(1, second.Attempt);
        Assert.Equal(new FirstResult(21), run.State.Get<FirstResult>("first"));
        Assert.Equal(new SecondResult(22), run.State.Get<SecondResult>("second"));
        // The duplicates were on the orchestrator's queue well before 'second' replied: they met a run in flight.
        Assert.True(second.EndedAt!.Value - publishedAt > TimeSpan.FromMilliseconds(500),
            $"'second' ended only {(second.EndedAt!.Value - publishedAt).TotalMilliseconds:0} ms after the duplicates were published");
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task Duplicate_replies_after_the_run_completed_change_nothing()
    {
        var done = await Cluster.RunAsync(TwoStepFlow.Name, new TwoStepRequest(4, 10));
        Assert.True(done.Status == RunStatus.Completed, $"{done}; history: {EngineCluster.Describe(done.History)}");
        Assert.Equal(new SecondResult(13), done.State.Get<SecondResult>("second"));

        foreach (var execution in done.History)
        {
            await Cluster.Bus.Publish(DuplicateCompleted(done.RunId, execution, """{"tripled":-1,"value":-1}"""));
            await Cluster.Bus.Publish(StaleFailure(done.RunId, execution));
        }

        // A run started after the duplicates were published goes through the same orchestrator queue, behind them:
        // once it has completed, the duplicates have been consumed.
        var barrier = await Cluster.RunAsync(TypedInputFlow.Name, new CountRequest(1));
        Assert.Equal(RunStatus.Completed, barrier.Status);

        var after = await Cluster.Client.GetRunAsync(done.RunId);
        Assert.NotNull(after);
        Assert.Equal(RunStatus.Completed, after.Status);
        Assert.Equal(done.Snapshot.UpdatedAt, after.Snapshot.UpdatedAt);
        Assert.Equal(done.Snapshot.EndedAt, after.Snapshot.EndedAt);
        Assert.Equal(done.Snapshot.StateJson, after.Snapshot.StateJson);
        Assert.Equal(done.History, after.History);
        Assert.Null(after.Error);
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    private static NodeCompleted DuplicateCompleted(Guid runId, NodeExecutionRecord execution, string outputJson) => new()
    {
        RunId = runId,
        ExecutionId = execution.ExecutionId,
        NodeName = execution.NodeName,
        Attempt = execution.Attempt,
        OutputJson = outputJson,
        StartedAt = DateTimeOffset.UtcNow,
        CompletedAt = DateTimeOffset.UtcNow,
        WorkerId = "duplicate-from-test",
        TaskQueue = TestFlowCatalog.DefaultTaskQueue,
    };

    private static NodeFailed StaleFailure(Guid runId, NodeExecutionRecord execution) => new()
    {
        RunId = runId,
        ExecutionId = execution.ExecutionId,
        NodeName = execution.NodeName,
        Attempt = execution.Attempt,
        Error = new ErrorInfo { Type = "Test.StaleFailure", Message = "a late failure report of an attempt that completed" },
        Retryable = false,
        StartedAt = DateTimeOffset.UtcNow,
        FailedAt = DateTimeOffset.UtcNow,
        WorkerId = "duplicate-from-test",
        TaskQueue = TestFlowCatalog.DefaultTaskQueue,
    };
}
