using System.Text.Json;
using MassTransit;
using Resolute.Client;
using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Engine;

/// <summary>
/// Start requests are wire messages (<see cref="StartFlow"/>): one published straight on the bus works as
/// <see cref="IFlowClient.StartAsync"/> does, and a bad one — unknown flow, input that is not JSON or does not read as
/// the first node's type — ends in a Failed run with a clear, queryable reason, while a good run started at the same
/// time completes.
/// </summary>
[Trait("Area", "Engine")]
public sealed class BadStartRequestsScenario(SingleWorkerCluster cluster, ITestOutputHelper output)
    : EngineScenario<SingleWorkerCluster>(cluster, output), IClassFixture<SingleWorkerCluster>
{
    [Fact]
    public async Task An_unknown_flow_name_ends_Failed_with_UnknownFlow_naming_the_flow()
    {
        var badId = await Cluster.Client.StartAsync("no-such-flow", new CountRequest(21));
        var goodId = await Cluster.Client.StartAsync(TypedInputFlow.Name, new CountRequest(21));

        var bad = await Cluster.WaitForEndAsync(badId);
        var good = await Cluster.WaitForEndAsync(goodId);

        Assert.Equal(RunStatus.Failed, bad.Status);
        Assert.Equal("no-such-flow", bad.FlowName);
        Assert.NotNull(bad.Error);
        Assert.Equal(ErrorTypes.UnknownFlow, bad.Error.Error.Type);
        Assert.Contains("'no-such-flow'", bad.Error.Error.Message, StringComparison.Ordinal);
        Assert.Empty(bad.History);
        // The reason stays queryable.
        var queried = await Cluster.Client.GetRunAsync(badId);
        Assert.NotNull(queried);
        Assert.Equal(RunStatus.Failed, queried.Status);
        Assert.Equal(bad.Error, queried.Error);

        AssertGoodRun(good, 21);
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Theory]
    [InlineData("""{"count":"not a number"}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("""{"count":2.5}""")]
    public async Task Input_that_does_not_read_as_the_first_nodes_type_ends_Failed_naming_the_node(string inputJson)
    {
        using var input = JsonDocument.Parse(inputJson);
        var badId = await Cluster.Client.StartAsync(TypedInputFlow.Name, input.RootElement.Clone());
        var goodId = await Cluster.Client.StartAsync(TypedInputFlow.Name, new CountRequest(4));

        var bad = await Cluster.WaitForEndAsync(badId);
        var good = await Cluster.WaitForEndAsync(goodId);

        Assert.Equal(RunStatus.Failed, bad.Status);
        Assert.NotNull(bad.Error);
        Output.WriteLine($"error for {inputJson}: {bad.Error}");
        Assert.Equal(TypedInputFlow.FirstNode, bad.Error.NodeName);
        Assert.Contains($"'{TypedInputFlow.FirstNode}'", bad.Error.Error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(CountRequest), bad.Error.Error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(bad.Error.Error.Type));
        // Caught when the orchestrator computed the node's input: nothing was dispatched.
        Assert.DoesNotContain(bad.History, e => e.Outcome == NodeExecutionOutcome.Completed);

        AssertGoodRun(good, 4);
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task Input_that_is_not_JSON_ends_Failed_with_InvalidInput()
    {
        var badId = NewId.NextGuid();
        await Cluster.Bus.Publish(new StartFlow
        {
            RunId = badId,
            FlowName = TypedInputFlow.Name,
            InputJson = "{count: 21",
            RequestedAt = DateTimeOffset.UtcNow,
            RequestedBy = "integration-test",
        });
        var goodId = await Cluster.Client.StartAsync(TypedInputFlow.Name, new CountRequest(8));

        var bad = await Cluster.WaitForEndAsync(badId);
        var good = await Cluster.WaitForEndAsync(goodId);

        Assert.Equal(RunStatus.Failed, bad.Status);
        Assert.NotNull(bad.Error);
        Assert.Equal(ErrorTypes.InvalidInput, bad.Error.Error.Type);
        Assert.Contains("not valid JSON", bad.Error.Error.Message, StringComparison.Ordinal);
        Assert.Empty(bad.History);
        AssertGoodRun(good, 8);
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task A_StartFlow_published_on_the_bus_runs_like_StartAsync_a_repeat_of_it_is_ignored_and_one_with_other_input_is_recorded_as_refused()
    {
        var start = new StartFlow
        {
            RunId = NewId.NextGuid(),
            FlowName = TypedInputFlow.Name,
            InputJson = """{"count":5}""",
            IdempotencyKey = $"bus-start-{Guid.NewGuid():N}",
            RequestedAt = DateTimeOffset.UtcNow,
            RequestedBy = "integration-test",
        };
        await Cluster.Bus.Publish(start);
        var viaClient = await Cluster.RunAsync(TypedInputFlow.Name, new CountRequest(5));
        var viaBus = await Cluster.WaitForEndAsync(start.RunId);

        AssertGoodRun(viaClient, 5);
        AssertGoodRun(viaBus, 5);
        Assert.Equal(viaClient.History.Select(e => (e.NodeName, e.StepName, e.Attempt, e.Outcome)), viaBus.History.Select(e => (e.NodeName, e.StepName, e.Attempt, e.Outcome)));

        // The same start request again (a retried publish): the run exists, nothing happens.
        await Cluster.Bus.Publish(start);
        var barrier = await Cluster.RunAsync(TypedInputFlow.Name, new CountRequest(1));
        AssertGoodRun(barrier, 1);
        var again = await Cluster.Client.GetRunAsync(start.RunId);
        Assert.NotNull(again);
        AssertGoodRun(again, 5);
        Assert.Equal(viaBus.History, again.History);
        Assert.Equal(viaBus.Snapshot.UpdatedAt, again.Snapshot.UpdatedAt);
        Assert.Empty(again.Snapshot.RefusedStarts);

        // With the same key but other input: the first start wins, the run stays as it was and records the refusal
        // (docs/bad-input.md, case 19).
        await Cluster.Bus.Publish(start with { InputJson = """{"count":6}""", RequestedAt = start.RequestedAt.AddSeconds(1) });
        var refused = await Cluster.WaitUntilAsync(start.RunId, r => r.Snapshot.RefusedStarts.Count > 0, "the refused start recorded");
        AssertGoodRun(refused, 5);
        Assert.Equal(viaBus.History, refused.History);
        Assert.Contains($"Idempotency key '{start.IdempotencyKey}' was already used", Assert.Single(refused.Snapshot.RefusedStarts).Reason, StringComparison.Ordinal);
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    private static void AssertGoodRun(FlowRunDescription run, int count)
    {
        Assert.True(run.Status == RunStatus.Completed, $"{run}; history: {EngineCluster.Describe(run.History)}");
        Assert.Equal(new CountResult(2 * count, $"count {count} doubled"), run.State.Get<CountResult>(TypedInputFlow.FirstNode));
        var execution = Assert.Single(run.History);
        Assert.Equal(NodeExecutionOutcome.Completed, execution.Outcome);
    }
}
