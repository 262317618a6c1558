using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Failures;

/// <summary>
/// Best-effort nodes (<c>ContinueOnError</c>, the seed's "partial success acceptable"): a node whose last attempt fails
/// does not fail its step; its error is in the history and the events, nothing is stored under its key, the run goes on,
/// and it is never compensated. Everything else keeps the failure rules of BRIEF §3.
/// </summary>
[Trait("Area", "Failures")]
public sealed class BestEffortTests
{
    private static readonly string[] EnrichKeys = ["enrich-a", "enrich-b", "enrich-c"];

    /// <summary>fetch → (enrich-a, enrich-b, enrich-c: best-effort) → aggregate, which reads what is there.</summary>
    private static Flow BestEffortEnrichment(Node? fetch = null, RetryPolicy? retry = null)
    {
        Node<Text, Text> Enrich(string name)
        {
            var node = Stubs.Node(name).ContinueOnError();
            return retry is null ? node : node.WithRetry(retry);
        }

        return Stubs.ManualFlow("best-effort")
            .Then(fetch ?? Stubs.Node("fetch"))
            .ThenParallel("enrich", Enrich("enrich-a"), Enrich("enrich-b"), Enrich("enrich-c"))
            .Then(Stubs.Node("aggregate").WithInput(s => new Text(string.Join("+",
                EnrichKeys.Select(k => s.GetOrDefault<Text>(k)?.Value ?? "-")))))
            .Build();
    }

    [Fact]
    public void A_best_effort_node_that_fails_for_good_does_not_fail_its_step_and_stores_nothing_under_its_key()
    {
        var sim = RunSimulator.For(BestEffortEnrichment());
        sim.Start(new Text("in"));
        sim.Complete("fetch", new Text("issues"));

        sim.Fail("enrich-b", retryable: false);
        sim.Complete("enrich-a", new Text("A"));
        var joined = sim.Complete("enrich-c", new Text("C"));

        var aggregate = Assert.Single(joined.Dispatches).Command;
        Assert.Equal("aggregate", aggregate.NodeName);
        Assert.Equal(new Text("A+-+C"), RunSimulator.InputOf<Text>(aggregate));
        Assert.False(sim.State.Has("enrich-b"));
        Assert.Null(sim.Error);
        Assert.False(sim.Progress.StepFailed);

        var failed = Assert.Single(sim.Events.OfType<FlowRunNodeFailed>());
        Assert.Equal("enrich-b", failed.NodeName);
        Assert.True(failed.ContinuesRun);
        Assert.False(failed.WillRetry);
        Assert.Equal(NodeExecutionOutcome.Failed, Assert.Single(sim.Executions("enrich-b")).Outcome);

        sim.Complete("aggregate", new Text("done"));
        Assert.Equal(RunStatus.Completed, sim.Status);
    }

    [Fact]
    public void A_best_effort_node_is_retried_as_its_policy_says_before_its_failure_is_tolerated()
    {
        var sim = RunSimulator.For(BestEffortEnrichment(retry: Stubs.Retry(3)));
        sim.Start(new Text("in"));
        sim.Complete("fetch", new Text("issues"));
        sim.Complete("enrich-a", new Text("A"));
        sim.Complete("enrich-c", new Text("C"));

        var attempts = sim.FailEveryAttempt("enrich-b");

        Assert.Equal(3, attempts);
        Assert.Equal(3, sim.DispatchCount("enrich-b"));
        Assert.Equal([true, true, false], sim.Events.OfType<FlowRunNodeFailed>().Select(e => e.WillRetry));
        Assert.Equal([false, false, true], sim.Events.OfType<FlowRunNodeFailed>().Select(e => e.ContinuesRun));
        Assert.Equal(["aggregate"], sim.JustDispatched);
    }

    [Fact]
    public void When_every_best_effort_sibling_fails_the_step_still_completes_and_the_aggregator_sees_none_of_them()
    {
        var sim = RunSimulator.For(BestEffortEnrichment());
        sim.Start(new Text("in"));
        sim.Complete("fetch", new Text("issues"));

        sim.Fail("enrich-a", retryable: false);
        sim.Fail("enrich-b", retryable: false);
        var joined = sim.Fail("enrich-c", retryable: false);

        var aggregate = Assert.Single(joined.Dispatches).Command;
        Assert.Equal(new Text("-+-+-"), RunSimulator.InputOf<Text>(aggregate));
        Assert.Equal(["fetch"], sim.State.Keys);
        Assert.Equal(3, sim.Events.OfType<FlowRunNodeFailed>().Count(e => e.ContinuesRun));

        sim.Complete("aggregate", new Text("nothing to merge"));
        Assert.Equal(RunStatus.Completed, sim.Status);
        Assert.Null(sim.Error);
    }

    [Fact]
    public void A_failed_best_effort_node_is_never_compensated_while_its_completed_siblings_are()
    {
        var flow = Stubs.ManualFlow("best-effort-compensation")
            .ThenParallel("book",
                Stubs.Node("book-hotel").OnError(Stubs.Node("cancel-hotel")),
                Stubs.Node("book-spa").ContinueOnError().OnError(Stubs.Node("cancel-spa")))
            .Then(Stubs.Node("charge"))
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));

        sim.Fail("book-spa", retryable: false);
        sim.Complete("book-hotel", new Text("H-1"));
        sim.Fail("charge", retryable: false);

        Assert.Equal(["cancel-hotel"], sim.DispatchedCompensations);
        sim.Complete("cancel-hotel");
        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Equal("charge", sim.Error!.NodeName);
    }

    [Fact]
    public void A_best_effort_node_that_completed_is_compensated_like_any_other()
    {
        var flow = Stubs.ManualFlow("best-effort-completed")
            .Then(Stubs.Node("book-spa").ContinueOnError().OnError(Stubs.Node("cancel-spa")))
            .Then(Stubs.Node("charge"))
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));

        sim.Complete("book-spa", new Text("S-1"));
        sim.Fail("charge", retryable: false);

        Assert.Equal(["cancel-spa"], sim.DispatchedCompensations);
    }

    [Fact]
    public void A_best_effort_node_whose_input_cannot_be_computed_is_recorded_as_failed_and_its_siblings_run()
    {
        var flow = Stubs.ManualFlow("best-effort-input")
            .ThenParallel("enrich",
                Stubs.Node("enrich-a"),
                Stubs.Node("enrich-b").ContinueOnError().WithInput(_ => throw new InvalidOperationException("no key for b")))
            .Then(Stubs.Node("aggregate"))
            .Build();
        var sim = RunSimulator.For(flow);

        var start = sim.Start(new Text("in"));

        Assert.Equal(["enrich-a"], start.Dispatches.Select(d => d.Command.NodeName));
        var skipped = Assert.Single(sim.Executions("enrich-b"));
        Assert.Equal(NodeExecutionOutcome.Failed, skipped.Outcome);
        Assert.Contains("no key for b", skipped.Error!.Message, StringComparison.Ordinal);
        Assert.True(Assert.Single(sim.Events.OfType<FlowRunNodeFailed>()).ContinuesRun);

        sim.Complete("enrich-a", new Text("A"));
        Assert.Equal(["aggregate"], sim.JustDispatched);
    }

    [Fact]
    public void A_step_of_only_best_effort_nodes_that_cannot_start_is_passed_in_the_same_message()
    {
        Node<Text, Text> Broken(string name) => Stubs.Node(name).ContinueOnError().WithInput(_ => throw new InvalidOperationException(name));
        var flow = Stubs.ManualFlow("best-effort-skip")
            .ThenParallel("one", Broken("a1"), Broken("a2"))
            .ThenParallel("two", Broken("b1"), Broken("b2"))
            .Then(Stubs.Node("last"))
            .Build();
        var sim = RunSimulator.For(flow);

        var start = sim.Start(new Text("in"));

        Assert.Equal(["last"], start.Dispatches.Select(d => d.Command.NodeName));
        Assert.Equal(4, sim.History.Count(e => e.Outcome == NodeExecutionOutcome.Failed));
    }

    [Fact]
    public void A_failing_ordinary_sibling_still_fails_the_step_beside_a_tolerated_failure()
    {
        var flow = Stubs.ManualFlow("mixed")
            .ThenParallel("enrich", Stubs.Node("required"), Stubs.Node("optional").ContinueOnError())
            .Then(Stubs.Node("aggregate"))
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));

        sim.Fail("optional", retryable: false);
        sim.Fail("required", retryable: false);

        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Equal("required", sim.Error!.NodeName);
        Assert.Equal(0, sim.DispatchCount("aggregate"));
    }
}
