using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Failures;

/// <summary>BRIEF §5: an exception thrown by WithInput or a When predicate fails the node/step at once (no retry) and triggers compensation.</summary>
[Trait("Area", "Failures")]
public sealed class OrchestratorEvaluationFailureTests
{
    [Fact]
    public void WithInput_that_throws_fails_the_node_at_once_without_retry_and_compensates_earlier_nodes()
    {
        var flow = Stubs.ManualFlow("enrich")
            .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one")))
            .Then(Stubs.Node("two").WithRetry(Stubs.Retry(5)).WithInput(_ => throw new InvalidOperationException("bad mapping")))
            .Then(Stubs.Node("three"))
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));

        var decision = sim.Complete("one", new Text("1"));

        Assert.Equal(["undo-one"], decision.Dispatches.Select(d => d.Command.NodeName));
        Assert.Equal(0, sim.DispatchCount("two"));
        Assert.Equal(RunStatus.Compensating, sim.Status);
        var error = sim.Error!;
        Assert.Equal("enrich", error.FlowName);
        Assert.Equal("two", error.StepName);
        Assert.Equal("two", error.NodeName);
        Assert.Equal(1, error.Attempt);
        Assert.Equal("System.InvalidOperationException", error.Error.Type);
        Assert.Contains("bad mapping", error.Error.Message, StringComparison.Ordinal);
        Assert.Contains("'two'", error.Error.Message, StringComparison.Ordinal);

        sim.Time.Advance(TimeSpan.FromMinutes(10));
        sim.Complete("undo-one");

        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Equal(0, sim.DispatchCount("two"));
        Assert.Equal(0, sim.DispatchCount("three"));
    }

    [Fact]
    public void WithInput_reading_a_missing_key_fails_with_a_FlowStateException_naming_the_key()
    {
        var flow = Stubs.ManualFlow()
            .Then(Stubs.Node("one"))
            .Then(Stubs.Node("two").WithInput(s => s.Get<Text>("missing-key")))
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));

        sim.Complete("one", new Text("1"));

        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Equal(typeof(FlowStateException).FullName, sim.Error!.Error.Type);
        Assert.Contains("missing-key", sim.Error.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithInput_that_throws_in_a_parallel_step_dispatches_none_of_its_nodes()
    {
        var flow = Stubs.ManualFlow()
            .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one")))
            .ThenParallel("fan", Stubs.Node("ok"), Stubs.Node("broken").WithInput(_ => throw new FormatException("nope")))
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));

        sim.Complete("one", new Text("1"));

        Assert.Equal(0, sim.DispatchCount("ok"));
        Assert.Equal(0, sim.DispatchCount("broken"));
        Assert.Equal(["undo-one"], sim.JustDispatched);
        Assert.Equal("fan", sim.Error!.StepName);
        Assert.Equal("broken", sim.Error.NodeName);
    }

    [Fact]
    public void A_When_predicate_that_throws_fails_the_step_at_once_and_compensates_earlier_nodes()
    {
        var flow = Stubs.ManualFlow("routing")
            .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one")))
            .When("is-rush", _ => throw new InvalidOperationException("predicate broke"))
                .Then(Stubs.Node("rush"))
            .Else()
                .Then(Stubs.Node("standard"))
            .EndWhen()
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));

        var decision = sim.Complete("one", new Text("1"));

        Assert.Equal(["undo-one"], decision.Dispatches.Select(d => d.Command.NodeName));
        Assert.Equal(0, sim.DispatchCount("rush"));
        Assert.Equal(0, sim.DispatchCount("standard"));
        var error = sim.Error!;
        Assert.Equal("routing", error.FlowName);
        Assert.Equal("is-rush", error.StepName);
        Assert.Null(error.NodeName);
        Assert.Equal("System.InvalidOperationException", error.Error.Type);
        Assert.Contains("predicate broke", error.Error.Message, StringComparison.Ordinal);

        sim.Complete("undo-one");
        Assert.Equal(RunStatus.Failed, sim.Status);
    }

    [Fact]
    public void A_When_predicate_that_throws_before_any_node_ends_the_run_Failed()
    {
        var flow = Stubs.ManualFlow()
            .When("first", _ => throw new InvalidOperationException("predicate broke"))
                .Then(Stubs.Node("a"))
            .EndWhen()
            .Build();
        var sim = RunSimulator.For(flow);

        sim.Start(new Text("in"));

        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Empty(sim.Dispatches);
        Assert.Equal("first", sim.Error!.StepName);
    }
}
