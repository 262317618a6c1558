using Resolute.Planning;

namespace Resolute.Tests.TestSupport;

/// <summary>Compact assertions on a flattened plan: <c>"exec a"</c>, <c>"branch when-1 else 4"</c>, <c>"jump 5"</c>.</summary>
internal static class InstructionAssert
{
    public static void Program(FlowPlan plan, params string[] expected)
    {
        var actual = plan.Instructions.Select(Render).ToArray();
        Assert.Equal(expected, actual);
        for (var i = 0; i < plan.Instructions.Count; i++)
        {
            Assert.Equal(i, plan.Instructions[i].Index);
        }
    }

    private static string Render(PlanInstruction instruction) => instruction switch
    {
        ExecuteInstruction execute => $"exec {execute.Step.Name}",
        BranchInstruction branch => $"branch {branch.Step.Name} else {branch.ElseIndex}",
        JumpInstruction jump => $"jump {jump.Target}",
        _ => $"unknown {instruction}",
    };
}
