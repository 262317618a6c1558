using Resolute.Planning;
using Resolute.Tests.TestSupport;
using static Resolute.Tests.TestSupport.Stubs;

namespace Resolute.Tests.Planning;

[Trait("Area", "Definition")]
public sealed class FlowPlanTests
{
    [Fact]
    public void Sequential_steps_compile_to_one_execute_instruction_each()
    {
        var flow = ManualFlow().Then(Text("a")).Then(Text("b")).Then(Text("c")).Build();

        InstructionAssert.Program(flow.Plan, "exec a", "exec b", "exec c");
        Assert.All(flow.Plan.Instructions, i => Assert.IsType<NodeStep>(Assert.IsType<ExecuteInstruction>(i).Step));
    }

    [Fact]
    public void Parallel_step_compiles_to_one_execute_instruction_with_all_nodes()
    {
        var flow = ManualFlow().Then(Text("a")).ThenParallel("p", Text("b"), Text("c")).Build();

        InstructionAssert.Program(flow.Plan, "exec a", "exec p");
        var step = Assert.IsType<ParallelStep>(Assert.IsType<ExecuteInstruction>(flow.Plan.Instructions[1]).Step);
        Assert.Equal(["b", "c"], step.Nodes.Select(n => n.Name));
    }

    [Fact]
    public void When_with_Else_compiles_to_branch_then_jump_over_the_else_branch()
    {
        var flow = ManualFlow()
            .Then(Text("a"))
            .When(_ => true).Then(Text("b")).Then(Text("c")).Else().Then(Text("d")).EndWhen()
            .Then(Text("e"))
            .Build();

        InstructionAssert.Program(flow.Plan,
            "exec a",
            "branch when-1 else 5",
            "exec b",
            "exec c",
            "jump 6",
            "exec d",
            "exec e");
        var branch = Assert.IsType<BranchInstruction>(flow.Plan.Instructions[1]);
        Assert.Same(flow.Plan.Steps[1], branch.Step);
    }

    [Fact]
    public void When_without_Else_branches_past_its_then_branch_and_has_no_jump()
    {
        var flow = ManualFlow().Then(Text("a")).When(_ => true).Then(Text("b")).EndWhen().Then(Text("c")).Build();

        InstructionAssert.Program(flow.Plan, "exec a", "branch when-1 else 3", "exec b", "exec c");
    }

    [Fact]
    public void When_without_Else_at_the_end_branches_to_the_end_of_the_program()
    {
        var flow = ManualFlow().Then(Text("a")).When(_ => false).Then(Text("b")).EndWhen().Build();

        InstructionAssert.Program(flow.Plan, "exec a", "branch when-1 else 3", "exec b");
        Assert.Equal(flow.Plan.Instructions.Count, Assert.IsType<BranchInstruction>(flow.Plan.Instructions[1]).ElseIndex);
        Assert.Equal(["a"], PlanWalker.Walk(flow.Plan, new FlowState()));
    }

    [Fact]
    public void When_with_Else_at_the_end_jumps_to_the_end_of_the_program()
    {
        var flow = ManualFlow().When(_ => true).Then(Text("a")).Else().Then(Text("b")).EndWhen().Build();

        InstructionAssert.Program(flow.Plan, "branch when-1 else 3", "exec a", "jump 4", "exec b");
        Assert.Equal(flow.Plan.Instructions.Count, Assert.IsType<JumpInstruction>(flow.Plan.Instructions[2]).Target);
    }

    [Fact]
    public void Nested_When_inside_a_When_compiles_to_nested_branches()
    {
        var flow = NestedFlow(_ => true, _ => true);

        InstructionAssert.Program(flow.Plan,
            "exec a",
            "branch outer else 9",
            "exec b",
            "branch inner else 6",
            "exec c",
            "jump 7",
            "exec d",
            "exec e",
            "jump 10",
            "exec f",
            "exec g");
        var outer = Assert.IsType<ConditionalStep>(flow.Plan.Steps[1]);
        var inner = Assert.IsType<ConditionalStep>(outer.ThenSteps[1]);
        Assert.Equal("inner", inner.Name);
        Assert.Equal(["a", "outer", "b", "inner", "c", "d", "e", "f", "g"], flow.Plan.AllSteps.Select(s => s.Name));
        Assert.Equal(["a", "b", "c", "d", "e", "f", "g"], flow.Plan.StepNodes.Select(n => n.Name));
    }

    [Theory]
    [InlineData(true, true, "a b c e g")]
    [InlineData(true, false, "a b d e g")]
    [InlineData(false, true, "a f g")]
    [InlineData(false, false, "a f g")]
    public void Nested_When_runs_the_branches_its_predicates_choose(bool outer, bool inner, string expected)
    {
        var flow = NestedFlow(_ => outer, _ => inner);

        Assert.Equal(expected, string.Join(' ', PlanWalker.Walk(flow.Plan, new FlowState())));
    }

    [Theory]
    [InlineData(true, "a b c")]
    [InlineData(false, "a c")]
    public void When_without_Else_skips_its_branch_when_false(bool take, string expected)
    {
        var flow = ManualFlow().Then(Text("a")).When(_ => take).Then(Text("b")).EndWhen().Then(Text("c")).Build();

        Assert.Equal(expected, string.Join(' ', PlanWalker.Walk(flow.Plan, new FlowState())));
    }

    [Fact]
    public void Predicate_reads_the_state_produced_by_earlier_steps()
    {
        var flow = ManualFlow()
            .Then(Text("count"))
            .When(s => s.Get<int>("count") > 10).Then(Text("big")).Else().Then(Text("small")).EndWhen()
            .Build();

        var big = PlanWalker.Walk(flow.Plan, new FlowState(), (step, state) =>
        {
            if (step.Name == "count")
            {
                state.Set("count", 11);
            }
        });
        var small = PlanWalker.Walk(flow.Plan, new FlowState(), (step, state) =>
        {
            if (step.Name == "count")
            {
                state.Set("count", 3);
            }
        });

        Assert.Equal(["count", "big"], big);
        Assert.Equal(["count", "small"], small);
    }

    [Fact]
    public void Predicate_is_evaluated_once_per_block()
    {
        var calls = 0;
        var flow = ManualFlow().When(_ => ++calls > 0).Then(Text("a")).Then(Text("b")).EndWhen().Build();

        PlanWalker.Walk(flow.Plan, new FlowState());

        Assert.Equal(1, calls);
    }

    [Fact]
    public void Instructions_describe_themselves()
    {
        var flow = ManualFlow().When(_ => true).Then(Text("a")).Else().Then(Text("b")).EndWhen().Build();

        Assert.Equal(
            ["0: when 'when-1' else goto 3", "1: execute 'a'", "2: goto 4", "3: execute 'b'"],
            flow.Plan.Instructions.Select(i => i.ToString()));
    }

    [Fact]
    public void Describe_renders_the_plan_indented()
    {
        var flow = ManualFlow()
            .Then(Text("a").As("first"))
            .ThenParallel("p", Text("b"), Text("c").WithTimeout(TimeSpan.FromSeconds(30)))
            .When("w", _ => true).Then(Text("d")).Else().Then(Text("e")).EndWhen()
            .When("v", _ => true).Then(Text("f")).EndWhen()
            .Build();

        var expected = string.Join(Environment.NewLine,
            "  1. a -> 'first' (String -> String)",
            "  2. parallel 'p'",
            "     | b (String -> String)",
            "     | c (String -> String) [timeout 30s]",
            "  3. when 'w'",
            "     then:",
            "       1. d (String -> String)",
            "     else:",
            "       1. e (String -> String)",
            "  4. when 'v'",
            "     then:",
            "       1. f (String -> String)",
            "");
        Assert.Equal(expected, flow.Plan.Describe());
    }

    [Fact]
    public void Flow_Describe_shows_name_version_triggers_and_plan()
    {
        var flow = Flow.Create("report").TriggeredBy(Trigger.Schedule("0 * * * *")).Then(Text("a")).Build();

        Assert.Equal(
            $"flow 'report' (version {flow.Version}), triggered by schedule '0 * * * *' (UTC){Environment.NewLine}  1. a (String -> String){Environment.NewLine}",
            flow.Describe());
    }

    private static Flow NestedFlow(Func<FlowState, bool> outer, Func<FlowState, bool> inner) =>
        ManualFlow()
            .Then(Text("a"))
            .When("outer", outer)
                .Then(Text("b"))
                .When("inner", inner)
                    .Then(Text("c"))
                .Else()
                    .Then(Text("d"))
                .EndWhen()
                .Then(Text("e"))
            .Else()
                .Then(Text("f"))
            .EndWhen()
            .Then(Text("g"))
            .Build();
}
