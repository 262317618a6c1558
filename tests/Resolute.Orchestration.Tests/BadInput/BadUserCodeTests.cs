using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.BadInput;

/// <summary>
/// User code that the orchestrator runs (<c>WithInput</c>, <c>When</c>) or that a worker reports as failed (a
/// compensation): the error names the flow, step and node and keeps the exception's text; the run ends with it, and a
/// healthy run of the same flow beside it is not affected.
/// </summary>
[Trait("Area", "BadInput")]
public sealed class BadUserCodeTests
{
    [Fact]
    public void WithInput_that_throws_fails_the_node_naming_it_compensates_and_leaves_a_healthy_run_alone()
    {
        var flow = Stubs.ManualFlow("mapping")
            .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one")))
            .Then(Stubs.Node("two").WithRetry(Stubs.Retry(5)).WithInput(s => s.Get<Text>("one").Value == "bad" ? throw new InvalidOperationException("no mapping for 'bad'") : new Text("ok")))
            .Build();
        var bad = RunSimulator.For(flow);
        var good = RunSimulator.For(flow);
        bad.Start(new Text("in"));
        good.Start(new Text("in"));

        bad.Complete("one", new Text("bad"));
        good.Complete("one", new Text("fine"));
        bad.Complete("undo-one");
        good.Complete("two", new Text("2"));

        Assert.Equal(RunStatus.Failed, bad.Status);
        Assert.Equal(0, bad.DispatchCount("two"));
        var error = bad.Error!;
        Assert.Equal(("mapping", "two", "two"), (error.FlowName, error.StepName, error.NodeName));
        Assert.Equal("System.InvalidOperationException", error.Error.Type);
        Assert.Contains("'two'", error.Error.Message, StringComparison.Ordinal);
        Assert.Contains("no mapping for 'bad'", error.Error.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Completed, good.Status);
    }

    [Fact]
    public void A_When_predicate_that_throws_fails_the_step_naming_the_condition_and_keeps_the_message()
    {
        var flow = Stubs.ManualFlow("routing")
            .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one")))
            .When("is-rush", s => s.Get<Text>("one").Value == "bad" ? throw new FormatException("priority 'x' is not a number") : true)
                .Then(Stubs.Node("rush"))
            .EndWhen()
            .Build();
        var bad = RunSimulator.For(flow);
        var good = RunSimulator.For(flow);
        bad.Start(new Text("in"));
        good.Start(new Text("in"));

        bad.Complete("one", new Text("bad"));
        good.Complete("one", new Text("fine"));
        bad.Complete("undo-one");
        good.Complete("rush");

        Assert.Equal(RunStatus.Failed, bad.Status);
        Assert.Equal(0, bad.DispatchCount("rush"));
        var error = bad.Error!;
        Assert.Equal(("routing", "is-rush"), (error.FlowName, error.StepName));
        Assert.Equal("System.FormatException", error.Error.Type);
        Assert.Contains("priority 'x' is not a number", error.Error.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Completed, good.Status);
    }

    [Fact]
    public void A_compensation_that_throws_ends_the_run_CompensationFailed_with_both_errors_and_the_other_compensations_still_run()
    {
        var flow = Stubs.ManualFlow("orders")
            .Then(Stubs.Node("reserve").OnError(Stubs.Node("release")))
            .Then(Stubs.Node("charge").OnError(Stubs.Node("refund")))
            .Then(Stubs.Node("ship"))
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));
        sim.Complete("reserve", new Text("r"));
        sim.Complete("charge", new Text("c"));
        sim.Fail("ship", "Shipping.Down", retryable: false, message: "carrier down");

        sim.Fail("refund", "System.NullReferenceException", retryable: false, message: "Object reference not set to an instance of an object.");
        sim.Complete("release");

        Assert.Equal(RunStatus.CompensationFailed, sim.Status);
        Assert.Equal(["refund", "release"], sim.DispatchedCompensations);
        Assert.Equal("Shipping.Down", sim.Error!.Error.Type);
        var compensation = Assert.Single(sim.Progress.CompensationErrors);
        Assert.Equal("refund", compensation.NodeName);
        Assert.Equal("System.NullReferenceException", compensation.Error.Type);
        var failed = sim.SingleEvent<FlowRunFailed>();
        Assert.Equal(RunStatus.CompensationFailed, failed.Status);
        Assert.Equal("refund", Assert.Single(failed.CompensationErrors).NodeName);
    }
}
