using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Engine;

/// <summary>BRIEF §3 "Conditionals": the predicate is evaluated once, when the block is reached, against the live state; Else is optional.</summary>
[Trait("Area", "Engine")]
public sealed class ConditionalTests
{
    private static Flow RushOrStandard(Func<FlowState, bool> predicate) => Stubs.ManualFlow()
        .Then(Stubs.Node("check"))
        .When("is-rush", predicate)
            .ThenParallel("rush-processing", Stubs.Node("rush-a"), Stubs.Node("rush-b"))
        .Else()
            .Then(Stubs.Node("standard"))
        .EndWhen()
        .Then(Stubs.Node("merge"))
        .Build();

    private static bool IsRush(FlowState s) => s.Get<Text>("check").Value == "rush";

    [Fact]
    public void A_true_predicate_runs_the_then_branch_and_skips_the_else_branch()
    {
        var sim = RunSimulator.For(RushOrStandard(IsRush));
        sim.Start(new Text("in"));

        sim.Complete("check", new Text("rush"));
        Assert.Equal(["rush-a", "rush-b"], sim.JustDispatched);
        sim.Complete("rush-a", new Text("RA"));
        sim.Complete("rush-b", new Text("RB"));
        Assert.Equal(["merge"], sim.JustDispatched);
        sim.Complete("merge", new Text("M"));

        Assert.Equal(RunStatus.Completed, sim.Status);
        Assert.Equal(0, sim.DispatchCount("standard"));
    }

    [Fact]
    public void A_false_predicate_runs_the_else_branch_and_skips_the_then_branch()
    {
        var sim = RunSimulator.For(RushOrStandard(IsRush));
        sim.Start(new Text("in"));

        sim.Complete("check", new Text("normal"));
        Assert.Equal(["standard"], sim.JustDispatched);
        sim.Complete("standard", new Text("S"));
        Assert.Equal(["merge"], sim.JustDispatched);
        sim.Complete("merge", new Text("M"));

        Assert.Equal(RunStatus.Completed, sim.Status);
        Assert.Equal(0, sim.DispatchCount("rush-a"));
        Assert.Equal(0, sim.DispatchCount("rush-b"));
        Assert.Equal(["check", "standard", "merge"], sim.DispatchedNodes);
    }

    [Fact]
    public void A_false_predicate_without_Else_skips_the_block_to_the_step_after_EndWhen()
    {
        var flow = Stubs.ManualFlow()
            .Then(Stubs.Node("check"))
            .When("is-rush", IsRush)
                .Then(Stubs.Node("rush"))
            .EndWhen()
            .Then(Stubs.Node("merge"))
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));

        sim.Complete("check", new Text("normal"));

        Assert.Equal(["merge"], sim.JustDispatched);
        Assert.Equal(0, sim.DispatchCount("rush"));
    }

    [Fact]
    public void A_false_predicate_without_Else_at_the_end_of_the_flow_completes_the_run()
    {
        var flow = Stubs.ManualFlow()
            .Then(Stubs.Node("check"))
            .When("is-rush", IsRush)
                .Then(Stubs.Node("rush"))
            .EndWhen()
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));

        sim.Complete("check", new Text("normal"));

        Assert.Equal(RunStatus.Completed, sim.Status);
        Assert.Equal(0, sim.DispatchCount("rush"));
    }

    [Theory]
    [InlineData("big", "express", new[] { "check", "big-order", "express", "merge" })]
    [InlineData("big", "slow", new[] { "check", "big-order", "freight", "merge" })]
    [InlineData("small", "express", new[] { "check", "small-order", "merge" })]
    public void Nested_When_blocks_pick_the_branch_of_each_predicate(string size, string speed, string[] expected)
    {
        var flow = Stubs.ManualFlow()
            .Then(Stubs.Node("check"))
            .When("is-big", s => s.Get<Text>("check").Value.StartsWith("big", StringComparison.Ordinal))
                .Then(Stubs.Node("big-order"))
                .When("is-express", s => s.Get<Text>("check").Value.EndsWith("express", StringComparison.Ordinal))
                    .Then(Stubs.Node("express"))
                .Else()
                    .Then(Stubs.Node("freight"))
                .EndWhen()
            .Else()
                .Then(Stubs.Node("small-order"))
            .EndWhen()
            .Then(Stubs.Node("merge"))
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));

        sim.Complete("check", new Text($"{size}-{speed}"));
        while (sim.Status == RunStatus.Running)
        {
            var next = Assert.Single(sim.PendingNodes);
            sim.Complete(next, new Text(next));
        }

        Assert.Equal(RunStatus.Completed, sim.Status);
        Assert.Equal(expected, sim.DispatchedNodes);
    }

    [Fact]
    public void The_predicate_is_evaluated_once_when_the_block_is_reached_against_the_live_state()
    {
        var evaluations = 0;
        var seen = new List<string>();
        var flow = RushOrStandard(s =>
        {
            evaluations++;
            seen.Add(s.Get<Text>("check").Value);
            return IsRush(s);
        });
        var sim = RunSimulator.For(flow);

        sim.Start(new Text("in"));
        Assert.Equal(0, evaluations);

        sim.Complete("check", new Text("rush"));
        Assert.Equal(1, evaluations);
        Assert.Equal(["rush"], seen);

        sim.Complete("rush-a", new Text("RA"));
        sim.Complete("rush-b", new Text("RB"));
        sim.Complete("merge", new Text("M"));

        Assert.Equal(RunStatus.Completed, sim.Status);
        Assert.Equal(1, evaluations);
    }

    [Fact]
    public void A_When_block_at_the_start_of_the_flow_reads_the_run_input()
    {
        var flow = Stubs.ManualFlow()
            .When("has-input", s => s.GetInput<Text>()?.Value == "go")
                .Then(Stubs.Node("go"))
            .Else()
                .Then(Stubs.Node("stop"))
            .EndWhen()
            .Build();
        var sim = RunSimulator.For(flow);

        sim.Start(new Text("go"));

        Assert.Equal(["go"], sim.JustDispatched);
        Assert.Equal("go", sim.Run.CurrentStep);
    }
}
