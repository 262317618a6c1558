using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Engine;

/// <summary>BRIEF §3 "Parallel": every node of the step is dispatched at once; the next step waits for all of them.</summary>
[Trait("Area", "Engine")]
public sealed class ParallelJoinTests
{
    private static Flow FanOutFanIn(Node? aggregate = null) => Stubs.ManualFlow()
        .Then(Stubs.Node("fetch"))
        .ThenParallel("enrich", Stubs.Node("jira"), Stubs.Node("slack"), Stubs.Node("github"))
        .Then(aggregate ?? Stubs.Node("aggregate"))
        .Build();

    [Fact]
    public void A_parallel_step_dispatches_all_of_its_nodes_at_once()
    {
        var sim = RunSimulator.For(FanOutFanIn());
        sim.Start(new Text("in"));

        var decision = sim.Complete("fetch", new Text("F"));

        Assert.Equal(["jira", "slack", "github"], decision.Dispatches.Select(d => d.Command.NodeName));
        Assert.All(decision.Dispatches, d => Assert.Equal("enrich", d.Command.StepName));
        Assert.Equal(["jira", "slack", "github"], sim.PendingNodes);
    }

    [Fact]
    public void The_next_step_waits_until_every_parallel_node_completed()
    {
        var sim = RunSimulator.For(FanOutFanIn());
        sim.Start(new Text("in"));
        sim.Complete("fetch", new Text("F"));

        sim.Complete("jira", new Text("J"));
        Assert.Empty(sim.JustDispatched);
        sim.Complete("slack", new Text("S"));
        Assert.Empty(sim.JustDispatched);
        Assert.Equal(0, sim.DispatchCount("aggregate"));
        Assert.Equal(["github"], sim.PendingNodes);

        sim.Complete("github", new Text("G"));

        Assert.Equal(["aggregate"], sim.JustDispatched);
    }

    [Fact]
    public void Parallel_nodes_may_complete_in_any_order()
    {
        var sim = RunSimulator.For(FanOutFanIn());
        sim.Start(new Text("in"));
        sim.Complete("fetch", new Text("F"));

        sim.Complete("github", new Text("G"));
        sim.Complete("jira", new Text("J"));
        Assert.Equal(0, sim.DispatchCount("aggregate"));
        sim.Complete("slack", new Text("S"));

        Assert.Equal(["aggregate"], sim.JustDispatched);
        Assert.Equal(["fetch", "github", "jira", "slack"], sim.Progress.Completions.Select(c => c.NodeName));
    }

    [Fact]
    public void The_outputs_of_all_parallel_nodes_are_in_the_state_for_the_next_step()
    {
        var aggregate = Stubs.Node("aggregate").WithInput(s =>
            new Text(string.Join("+", s.Get<Text>("jira").Value, s.Get<Text>("slack").Value, s.Get<Text>("github").Value)));
        var sim = RunSimulator.For(FanOutFanIn(aggregate));
        sim.Start(new Text("in"));
        sim.Complete("fetch", new Text("F"));

        sim.Complete("jira", new Text("J"));
        sim.Complete("slack", new Text("S"));
        sim.Complete("github", new Text("G"));

        var state = sim.State;
        Assert.Equal(new Text("J"), state.Get<Text>("jira"));
        Assert.Equal(new Text("S"), state.Get<Text>("slack"));
        Assert.Equal(new Text("G"), state.Get<Text>("github"));
        Assert.Equal(new Text("J+S+G"), RunSimulator.InputOf<Text>(sim.PendingCommand("aggregate")));
    }

    [Fact]
    public void A_flow_ending_with_a_parallel_step_completes_when_the_last_node_reports()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().ThenParallel("all", Stubs.Node("a"), Stubs.Node("b")).Build());
        sim.Start(new Text("in"));

        sim.Complete("b", new Text("B"));
        Assert.Equal(Contracts.RunStatus.Running, sim.Status);
        sim.Complete("a", new Text("A"));

        Assert.Equal(Contracts.RunStatus.Completed, sim.Status);
    }
}
