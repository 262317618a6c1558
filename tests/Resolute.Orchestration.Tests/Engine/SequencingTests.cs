using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Engine;

/// <summary>BRIEF §3 "Sequential": a node starts only after the previous step completed; its input is computed when it is dispatched.</summary>
[Trait("Area", "Engine")]
public sealed class SequencingTests
{
    [Fact]
    public void Sequential_nodes_are_dispatched_one_at_a_time_in_order()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Then(Stubs.Node("b")).Then(Stubs.Node("c")).Build());

        sim.Start(new Text("in"));
        Assert.Equal(["a"], sim.JustDispatched);
        Assert.Equal(RunStatus.Running, sim.Status);

        sim.Complete("a", new Text("A"));
        Assert.Equal(["b"], sim.JustDispatched);
        Assert.Equal(["b"], sim.PendingNodes);

        sim.Complete("b", new Text("B"));
        Assert.Equal(["c"], sim.JustDispatched);

        sim.Complete("c", new Text("C"));
        Assert.Empty(sim.JustDispatched);
        Assert.Equal(["a", "b", "c"], sim.DispatchedNodes);
        Assert.Equal(RunStatus.Completed, sim.Status);
    }

    [Fact]
    public void WithInput_is_evaluated_at_dispatch_time_against_the_live_state()
    {
        var evaluations = 0;
        var b = Stubs.Node("b").WithInput(s =>
        {
            evaluations++;
            return new Text("after " + s.Get<Text>("a").Value);
        });
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Then(b).Build());

        sim.Start(new Text("in"));
        Assert.Equal(0, evaluations);

        sim.Complete("a", new Text("A-out"));

        Assert.Equal(1, evaluations);
        var command = sim.PendingCommand("b");
        Assert.Contains("A-out", command.InputJson, StringComparison.Ordinal);
        Assert.Equal(new Text("after A-out"), RunSimulator.InputOf<Text>(command));
    }

    [Fact]
    public void A_node_with_a_static_input_gets_that_input_not_the_run_input()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Static("a", new Text("fixed"))).Build());

        sim.Start(new Text("run-input"));

        Assert.Equal(new Text("fixed"), RunSimulator.InputOf<Text>(sim.PendingCommand("a")));
    }

    [Fact]
    public void A_node_without_WithInput_or_static_input_gets_the_run_input()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Then(Stubs.Node("b")).Build());

        sim.Start(new Text("run-input"));
        Assert.Equal(new Text("run-input"), RunSimulator.InputOf<Text>(sim.PendingCommand("a")));

        sim.Complete("a", new Text("A"));
        Assert.Equal(new Text("run-input"), RunSimulator.InputOf<Text>(sim.PendingCommand("b")));
    }

    [Fact]
    public void Outputs_are_stored_under_the_As_key_else_the_node_name()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("fetch").As("issues")).Then(Stubs.Node("merge")).Build());

        sim.Start(new Text("in"));
        sim.Complete("fetch", new Text("F"));
        sim.Complete("merge", new Text("M"));

        var state = sim.State;
        Assert.Equal(new Text("F"), state.Get<Text>("issues"));
        Assert.Equal(new Text("M"), state.Get<Text>("merge"));
        Assert.False(state.Has("fetch"));
    }

    [Fact]
    public void Start_publishes_FlowRunStarted_with_the_flow_version()
    {
        var flow = Stubs.ManualFlow("versioned").Then(Stubs.Node("a")).Build();
        var sim = RunSimulator.For(flow);

        sim.Start(new Text("in"));

        var started = sim.SingleEvent<FlowRunStarted>();
        Assert.Equal(RunSimulator.DefaultRunId, started.RunId);
        Assert.Equal("versioned", started.FlowName);
        Assert.Equal(flow.Version, started.FlowVersion);
        Assert.Equal(flow.Version, sim.Run.FlowVersion);
        Assert.Equal(ManualTimeProvider.Epoch, sim.Run.CreatedAt);
    }

    [Fact]
    public void The_end_of_the_plan_completes_the_run_and_publishes_FlowRunCompleted_with_the_state()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Then(Stubs.Node("b")).Build());
        sim.Start(new Text("in"));
        sim.Complete("a", new Text("A-out"));
        sim.Time.Advance(TimeSpan.FromSeconds(5));

        var decision = sim.Complete("b", new Text("B-out"));

        Assert.Equal(RunStatus.Completed, decision.Status);
        Assert.Equal(RunStatus.Completed, sim.Status);
        var completed = sim.SingleEvent<FlowRunCompleted>();
        Assert.Equal(RunSimulator.DefaultRunId, completed.RunId);
        Assert.Equal(sim.Time.GetUtcNow(), completed.CompletedAt);
        Assert.NotNull(completed.StateJson);
        var finalState = FlowState.FromJson(completed.StateJson);
        Assert.Equal(new Text("A-out"), finalState.Get<Text>("a"));
        Assert.Equal(new Text("B-out"), finalState.Get<Text>("b"));
        Assert.Equal(sim.Time.GetUtcNow(), sim.Run.EndedAt);
        Assert.Null(sim.Run.NextWakeAt);
        Assert.Empty(sim.Events.OfType<FlowRunFailed>());
    }

    [Fact]
    public void A_reply_after_the_run_completed_is_ignored()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Build());
        sim.Start(new Text("in"));
        var command = sim.PendingCommand("a");
        var reply = sim.Completed(command, new Text("A"));
        sim.Deliver(reply);

        var again = sim.Deliver(reply);

        Assert.True(again.Ignored);
        Assert.Equal(RunStatus.Completed, again.Status);
        Assert.Empty(again.Dispatches);
        Assert.Empty(again.Events);
    }
}
