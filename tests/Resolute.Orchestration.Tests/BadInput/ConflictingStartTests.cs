using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;
using Resolute.Orchestration.Runs;

namespace Resolute.Orchestration.Tests.BadInput;

/// <summary>
/// A start request for a run id that exists. The first start wins. A repeat with the same flow and input is a retried
/// publish: ignored, nothing recorded. One with another flow, or the same flow (idempotency key) with another input,
/// starts nothing, leaves the run as it was, and is recorded on the run as a <see cref="RefusedStartRecord"/> whose
/// reason says what clashed and what to do.
/// </summary>
[Trait("Area", "BadInput")]
public sealed class ConflictingStartTests
{
    private static readonly DateTimeOffset Later = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_start_naming_another_flow_with_a_run_id_already_used_starts_nothing_and_is_recorded_on_the_run()
    {
        var registry = new FlowRegistry();
        registry.Add(Stubs.ManualFlow("orders").Then(Stubs.Node("a")).Build());
        registry.Add(Stubs.ManualFlow("billing").Then(Stubs.Node("b")).Build());
        var sim = new RunSimulator(registry);
        sim.StartJson("""{"value":"order"}""", flowName: "orders");
        var before = (sim.Run.StateJson, sim.Run.Cursor, sim.Run.FlowName, sim.Dispatches.Count);

        var decision = sim.StartAgain(new StartFlow { RunId = sim.RunId, FlowName = "billing", InputJson = """{"value":"bill"}""", RequestedAt = Later, RequestedBy = "billing-service" });

        Assert.False(decision.Ignored);
        Assert.Empty(decision.Dispatches);
        Assert.Empty(decision.Events);
        Assert.Equal(RunStatus.Running, decision.Status);
        Assert.Equal(before, (sim.Run.StateJson, sim.Run.Cursor, sim.Run.FlowName, sim.Dispatches.Count));
        var refused = Assert.Single(sim.Progress.RefusedStarts);
        Assert.Equal("billing", refused.FlowName);
        Assert.Equal("billing-service", refused.RequestedBy);
        Assert.Equal(Later, refused.RequestedAt);
        Assert.StartsWith($"Run id {sim.RunId} is already used by a run of flow 'orders' (Running); a StartFlow for flow 'billing' with the same run id started nothing.", refused.Reason, StringComparison.Ordinal);
        Assert.Contains("its own run id", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(refused.Reason, decision.Refusal);

        // The run itself goes on as if nothing had happened.
        sim.Complete("a", new Text("done"));
        Assert.Equal(RunStatus.Completed, sim.Status);
        Assert.Equal("orders", sim.Run.FlowName);
    }

    [Fact]
    public void An_idempotency_key_reused_with_a_different_input_starts_nothing_and_the_refusal_says_the_first_start_wins()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow("orders").Then(Stubs.Node("a")).Build());
        sim.StartJson("""{"value":"first"}""", idempotencyKey: "order-42");

        var decision = sim.StartAgain(new StartFlow { RunId = sim.RunId, FlowName = "orders", InputJson = """{"value":"second"}""", IdempotencyKey = "order-42", RequestedAt = Later });

        Assert.Empty(decision.Dispatches);
        Assert.Equal(1, sim.DispatchCount("a"));
        Assert.Equal("first", RunSimulator.InputOf<Text>(sim.PendingCommand("a"))!.Value);
        var refused = Assert.Single(sim.Progress.RefusedStarts);
        Assert.Equal("order-42", refused.IdempotencyKey);
        Assert.StartsWith($"Idempotency key 'order-42' was already used to start run {sim.RunId} of flow 'orders' (Running) with a different input; the first start wins and this one started nothing.", refused.Reason, StringComparison.Ordinal);
        Assert.Contains("Use a new idempotency key for a new input", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_idempotency_key_reused_with_a_different_input_after_the_run_ended_is_recorded_and_the_run_stays_ended()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow("orders").Then(Stubs.Node("a")).Build());
        sim.StartJson("""{"value":"first"}""", idempotencyKey: "order-42");
        sim.Complete("a", new Text("A"));
        var endedAt = sim.Run.EndedAt;

        sim.StartAgain(new StartFlow { RunId = sim.RunId, FlowName = "orders", InputJson = """{"value":"second"}""", IdempotencyKey = "order-42", RequestedAt = Later });

        Assert.Equal(RunStatus.Completed, sim.Status);
        Assert.Equal(endedAt, sim.Run.EndedAt);
        Assert.Contains("(Completed)", Assert.Single(sim.Progress.RefusedStarts).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"value":"first"}""")]
    [InlineData("""{ "value" : "first" }""")]
    public void The_same_key_with_the_same_input_is_a_retried_publish_ignored_and_not_recorded(string sameInput)
    {
        var sim = RunSimulator.For(Stubs.ManualFlow("orders").Then(Stubs.Node("a")).Build());
        sim.StartJson("""{"value":"first"}""", idempotencyKey: "order-42");
        var progress = sim.Run.ProgressJson;

        var decision = sim.StartAgain(new StartFlow { RunId = sim.RunId, FlowName = "orders", InputJson = sameInput, IdempotencyKey = "order-42", RequestedAt = Later });

        Assert.True(decision.Ignored);
        Assert.Null(decision.Refusal);
        Assert.Empty(sim.Progress.RefusedStarts);
        Assert.Equal(progress, sim.Run.ProgressJson);
    }

    [Fact]
    public void A_redelivered_refused_start_is_recorded_once()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow("orders").Then(Stubs.Node("a")).Build());
        sim.StartJson("""{"value":"first"}""", idempotencyKey: "order-42");
        var second = new StartFlow { RunId = sim.RunId, FlowName = "orders", InputJson = """{"value":"second"}""", IdempotencyKey = "order-42", RequestedAt = Later };

        sim.StartAgain(second);
        var again = sim.StartAgain(second);

        Assert.True(again.Ignored);
        Assert.Single(sim.Progress.RefusedStarts);
    }

    [Fact]
    public void At_most_the_latest_refused_starts_are_kept()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow("orders").Then(Stubs.Node("a")).Build());
        sim.StartJson("""{"value":"first"}""", idempotencyKey: "k");

        for (var i = 0; i < RunState.MaxRecordedRequests + 5; i++)
        {
            sim.StartAgain(new StartFlow { RunId = sim.RunId, FlowName = "orders", InputJson = $"{{\"value\":\"{i}\"}}", IdempotencyKey = "k", RequestedAt = Later.AddSeconds(i) });
        }

        Assert.Equal(RunState.MaxRecordedRequests, sim.Progress.RefusedStarts.Count);
        Assert.Equal(Later.AddSeconds(RunState.MaxRecordedRequests + 4), sim.Progress.RefusedStarts[^1].RequestedAt);
    }
}
