using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.BadInput;

/// <summary>BRIEF §4 "Bad input gets a clear error and loses nothing": each ends in a clear, queryable reason.</summary>
[Trait("Area", "BadInput")]
public sealed class BadStartInputTests
{
    [Fact]
    public void An_unknown_flow_name_fails_the_run_at_once_listing_the_registered_flows()
    {
        var registry = new FlowRegistry();
        registry.Add(Stubs.ManualFlow("orders").Then(Stubs.Node("a")).Build());
        registry.Add(Stubs.ManualFlow("billing").Then(Stubs.Node("b")).Build());
        var sim = new RunSimulator(registry);

        var decision = sim.StartJson("{}", flowName: "shipping");

        Assert.Equal(RunStatus.Failed, decision.Status);
        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Empty(sim.Dispatches);
        var error = Assert.IsType<RunError>(sim.Error);
        Assert.Equal(ErrorTypes.UnknownFlow, error.Error.Type);
        Assert.Equal("shipping", error.FlowName);
        Assert.Contains("'shipping'", error.Error.Message, StringComparison.Ordinal);
        Assert.Contains("'billing', 'orders'", error.Error.Message, StringComparison.Ordinal);
        var failed = sim.SingleEvent<FlowRunFailed>();
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal(ErrorTypes.UnknownFlow, failed.Error.Error.Type);
        Assert.Empty(sim.Events.OfType<FlowRunStarted>());
        Assert.NotNull(sim.Run.EndedAt);
        Assert.Contains(ErrorTypes.UnknownFlow, sim.Run.ErrorSummary, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_flow_name_with_no_flows_registered_says_none()
    {
        var sim = new RunSimulator(new FlowRegistry());

        sim.StartJson(null, flowName: "anything");

        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Contains("none", sim.Error!.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void An_empty_or_whitespace_flow_name_fails_the_run_saying_the_request_names_no_flow(string flowName)
    {
        var registry = new FlowRegistry();
        registry.Add(Stubs.ManualFlow("orders").Then(Stubs.Node("a")).Build());
        var sim = new RunSimulator(registry);

        var decision = sim.StartJson("{}", flowName: flowName);

        Assert.Equal(RunStatus.Failed, decision.Status);
        Assert.Empty(sim.Dispatches);
        var error = sim.Error!;
        Assert.Equal(ErrorTypes.UnknownFlow, error.Error.Type);
        Assert.StartsWith("The start request names no flow: StartFlow.FlowName is empty or whitespace.", error.Error.Message, StringComparison.Ordinal);
        Assert.Contains("'orders'", error.Error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorTypes.UnknownFlow, sim.SingleEvent<FlowRunFailed>().Error.Error.Type);
    }

    [Fact]
    public void Input_that_is_not_valid_JSON_fails_the_run_with_InvalidInput()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Build());

        var decision = sim.StartJson("{\"value\": ");

        Assert.Equal(RunStatus.Failed, decision.Status);
        Assert.Empty(sim.Dispatches);
        Assert.Equal(ErrorTypes.InvalidInput, sim.Error!.Error.Type);
        Assert.Contains("not valid JSON", sim.Error.Error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorTypes.InvalidInput, sim.SingleEvent<FlowRunFailed>().Error.Error.Type);
    }

    [Fact]
    public void Input_that_does_not_read_as_the_first_node_input_type_fails_the_run_naming_the_node()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Create<Numbers, Text>("count-things")).Build());

        var decision = sim.StartJson("{\"count\": \"not a number\"}");

        Assert.Equal(RunStatus.Failed, decision.Status);
        Assert.Empty(sim.Dispatches);
        var error = sim.Error!;
        Assert.Equal("count-things", error.NodeName);
        Assert.Equal(ErrorTypes.InvalidInput, error.Error.Type);
        Assert.Contains("'count-things'", error.Error.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Failed, sim.SingleEvent<FlowRunFailed>().Status);
    }

    [Fact]
    public void Input_larger_than_MaxPayloadBytes_fails_the_run_with_PayloadTooLarge()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Build(), options: new OrchestratorOptions { MaxPayloadBytes = 100 });

        var decision = sim.Start(new Text(new string('x', 200)));

        Assert.Equal(RunStatus.Failed, decision.Status);
        Assert.Empty(sim.Dispatches);
        Assert.Equal(ErrorTypes.PayloadTooLarge, sim.Error!.Error.Type);
        Assert.Contains("100", sim.Error.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Input_within_MaxPayloadBytes_is_accepted()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Build(), options: new OrchestratorOptions { MaxPayloadBytes = 100 });

        sim.Start(new Text("small"));

        Assert.Equal(RunStatus.Running, sim.Status);
        Assert.Equal(["a"], sim.JustDispatched);
    }

    [Fact]
    public void A_node_output_larger_than_MaxPayloadBytes_fails_the_node_without_retry()
    {
        var sim = RunSimulator.For(
            Stubs.ManualFlow().Then(Stubs.Node("a").WithRetry(Stubs.Retry(5))).Build(),
            options: new OrchestratorOptions { MaxPayloadBytes = 100 });
        sim.Start(new Text("in"));

        sim.Complete("a", new Text(new string('x', 200)));

        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Equal(1, sim.DispatchCount("a"));
        Assert.Equal(ErrorTypes.PayloadTooLarge, sim.Error!.Error.Type);
        Assert.False(sim.State.Has("a"));
    }

    [Fact]
    public void A_node_output_that_is_not_valid_JSON_fails_the_node_with_InvalidOutput_without_retry()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a").WithRetry(Stubs.Retry(5))).Build());
        sim.Start(new Text("in"));

        sim.Deliver(sim.Completed(sim.PendingCommand("a")) with { OutputJson = "{not json" });

        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Equal(1, sim.DispatchCount("a"));
        Assert.Equal(ErrorTypes.InvalidOutput, sim.Error!.Error.Type);
        Assert.Contains("'a'", sim.Error.Error.Message, StringComparison.Ordinal);
    }
}
