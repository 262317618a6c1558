using Resolute.Planning;
using Resolute.Tests.TestSupport;

namespace Resolute.Tests;

/// <summary>The builder methods produce the steps they describe.</summary>
[Trait("Area", "Definition")]
public sealed class FlowBuilderTests
{
    [Fact]
    public void Create_keeps_the_flow_name()
    {
        var flow = Stubs.ManualFlow("my-flow").Then(Stubs.Text("a")).Build();

        Assert.Equal("my-flow", flow.Name);
        Assert.Equal("flow 'my-flow' (version " + flow.Version + ")", flow.ToString());
    }

    [Fact]
    public void Create_rejects_a_null_name()
    {
        Assert.Throws<ArgumentNullException>(() => Flow.Create(null!));
    }

    [Fact]
    public void TriggeredBy_adds_the_trigger()
    {
        var trigger = Trigger.Manual("api");

        var flow = Flow.Create("f").TriggeredBy(trigger).Then(Stubs.Text("a")).Build();

        Assert.Same(trigger, Assert.Single(flow.Triggers));
    }

    [Fact]
    public void Then_adds_sequential_node_steps_in_order()
    {
        var a = Stubs.Text("a");
        var b = Stubs.Text("b");

        var flow = Stubs.ManualFlow().Then(a).Then(b).Build();

        Assert.Collection(
            flow.Plan.Steps,
            s => Assert.Same(a, Assert.IsType<NodeStep>(s).Node),
            s => Assert.Same(b, Assert.IsType<NodeStep>(s).Node));
        Assert.Equal(["a", "b"], flow.Plan.Steps.Select(s => s.Name));
        Assert.Equal([a, b], Assert.IsType<NodeStep>(flow.Plan.Steps[0]).Nodes.Concat(Assert.IsType<NodeStep>(flow.Plan.Steps[1]).Nodes));
    }

    [Fact]
    public void ThenParallel_adds_one_step_with_every_node_in_order()
    {
        var a = Stubs.Text("a");
        var b = Stubs.Text("b");
        var c = Stubs.Text("c");

        var flow = Stubs.ManualFlow().ThenParallel("group", a, b, c).Build();

        var step = Assert.IsType<ParallelStep>(Assert.Single(flow.Plan.Steps));
        Assert.Equal("group", step.Name);
        Assert.Equal([a, b, c], step.Nodes);
    }

    [Fact]
    public void ThenParallel_with_one_node_is_still_a_parallel_step()
    {
        var flow = Stubs.ManualFlow().ThenParallel("solo", Stubs.Text("a")).Build();

        Assert.IsType<ParallelStep>(Assert.Single(flow.Plan.Steps));
    }

    [Fact]
    public void When_Else_EndWhen_builds_a_conditional_step_with_both_branches()
    {
        Func<FlowState, bool> predicate = s => s.Has("rush");
        var flow = Stubs.ManualFlow()
            .Then(Stubs.Text("check"))
            .When(predicate)
                .ThenParallel("rush", Stubs.Text("r1"), Stubs.Text("r2"))
            .Else()
                .Then(Stubs.Text("standard"))
            .EndWhen()
            .Then(Stubs.Text("complete"))
            .Build();

        Assert.Equal(3, flow.Plan.Steps.Count);
        var conditional = Assert.IsType<ConditionalStep>(flow.Plan.Steps[1]);
        Assert.Equal("when-1", conditional.Name);
        Assert.Same(predicate, conditional.Predicate);
        Assert.True(conditional.HasElse);
        Assert.Equal("rush", Assert.IsType<ParallelStep>(Assert.Single(conditional.ThenSteps)).Name);
        Assert.Equal("standard", Assert.IsType<NodeStep>(Assert.Single(conditional.ElseSteps)).Name);
    }

    [Fact]
    public void When_without_Else_has_an_empty_else_branch()
    {
        var flow = Stubs.ManualFlow().When(_ => true).Then(Stubs.Text("a")).EndWhen().Build();

        var conditional = Assert.IsType<ConditionalStep>(Assert.Single(flow.Plan.Steps));
        Assert.False(conditional.HasElse);
        Assert.Empty(conditional.ElseSteps);
        Assert.Single(conditional.ThenSteps);
    }

    [Fact]
    public void When_blocks_are_numbered_in_the_order_they_are_written()
    {
        var flow = Stubs.ManualFlow()
            .When(_ => true).Then(Stubs.Text("a"))
                .When(_ => true).Then(Stubs.Text("b")).EndWhen()
            .EndWhen()
            .When(_ => true).Then(Stubs.Text("c")).EndWhen()
            .Build();

        Assert.Equal(["when-1", "when-2", "when-3"], flow.Plan.AllSteps.OfType<ConditionalStep>().Select(c => c.Name));
    }

    [Fact]
    public void When_with_a_name_uses_that_name()
    {
        var flow = Stubs.ManualFlow().When("is-rush", _ => true).Then(Stubs.Text("a")).EndWhen().Build();

        Assert.Equal("is-rush", Assert.IsType<ConditionalStep>(Assert.Single(flow.Plan.Steps)).Name);
    }

    [Fact]
    public void Nodes_lists_step_nodes_in_plan_order_then_compensations()
    {
        var undoA = Stubs.Text("undo-a");
        var undoC = Stubs.Text("undo-c");
        var flow = Stubs.ManualFlow()
            .Then(Stubs.Text("a").OnError(undoA))
            .When(_ => true).Then(Stubs.Text("b")).Else().Then(Stubs.Text("c").OnError(undoC)).EndWhen()
            .ThenParallel("p", Stubs.Text("d"), Stubs.Text("e"))
            .Build();

        Assert.Equal(["a", "b", "c", "d", "e", "undo-a", "undo-c"], flow.Nodes.Select(n => n.Name));
        Assert.Equal(["a", "b", "c", "d", "e"], flow.Plan.StepNodes.Select(n => n.Name));
    }

    [Fact]
    public void A_compensation_shared_by_several_nodes_is_listed_once()
    {
        var undo = Stubs.Text("undo");

        var flow = Stubs.ManualFlow().Then(Stubs.Text("a").OnError(undo)).Then(Stubs.Text("b").OnError(undo)).Build();

        Assert.Equal(["a", "b", "undo"], flow.Nodes.Select(n => n.Name));
    }

    [Fact]
    public void GetNode_finds_steps_and_compensations_by_name()
    {
        var a = Stubs.Text("a");
        var undo = Stubs.Text("undo-a");
        var flow = Stubs.ManualFlow().Then(a.OnError(undo)).Build();

        Assert.Equal("a", flow.GetNode("a").Name);
        Assert.Same(undo, flow.GetNode("undo-a"));
        Assert.True(flow.TryGetNode("undo-a", out var found));
        Assert.Same(undo, found);
        Assert.False(flow.TryGetNode("missing", out _));
    }

    [Fact]
    public void GetNode_of_an_unknown_name_lists_the_flow_nodes()
    {
        var flow = Stubs.ManualFlow("orders").Then(Stubs.Text("a")).Then(Stubs.Text("b")).Build();

        var error = Assert.Throws<KeyNotFoundException>(() => flow.GetNode("c"));

        ProblemAssert.Mentions(error.Message, "Flow 'orders' has no node 'c'", "'a', 'b'");
    }

    [Fact]
    public void A_node_value_can_be_used_by_two_flows()
    {
        var shared = Stubs.Text("shared").WithTimeout(TimeSpan.FromSeconds(10));

        var first = Stubs.ManualFlow("first").Then(shared).Build();
        var second = Stubs.ManualFlow("second").Then(Stubs.Text("before")).Then(shared).Build();

        Assert.Same(shared, first.GetNode("shared"));
        Assert.Same(shared, second.GetNode("shared"));
    }

    [Fact]
    public void Build_with_only_a_conditional_step_is_valid()
    {
        var flow = Stubs.ManualFlow().When(_ => false).Then(Stubs.Text("a")).EndWhen().Build();

        Assert.Single(flow.Plan.Steps);
        Assert.Equal(["a"], flow.Nodes.Select(n => n.Name));
    }
}
