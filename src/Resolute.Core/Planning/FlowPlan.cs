using System.Text;

namespace Resolute.Planning;

/// <summary>
/// The compiled, immutable form of a flow: the steps as written (<see cref="Steps"/>) and the same steps flattened
/// into <see cref="Instructions"/> for the engine.
/// </summary>
public sealed class FlowPlan
{
    internal FlowPlan(IReadOnlyList<PlanStep> steps)
    {
        Steps = steps;
        var instructions = new List<PlanInstruction>();
        Compile(steps, instructions);
        Instructions = instructions;
    }

    /// <summary>The top-level steps, in order.</summary>
    public IReadOnlyList<PlanStep> Steps { get; }

    /// <summary>The program the engine walks.</summary>
    public IReadOnlyList<PlanInstruction> Instructions { get; }

    /// <summary>Every step node of the plan (not compensations), in plan order.</summary>
    public IEnumerable<Node> StepNodes => Enumerate(Steps).OfType<ExecutionStep>().SelectMany(s => s.Nodes);

    /// <summary>Every step, nested ones included, in plan order.</summary>
    public IEnumerable<PlanStep> AllSteps => Enumerate(Steps);

    /// <summary>A readable, indented rendering of the plan.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        Describe(Steps, text, "  ");
        return text.ToString();
    }

    private static IEnumerable<PlanStep> Enumerate(IReadOnlyList<PlanStep> steps)
    {
        foreach (var step in steps)
        {
            yield return step;
            if (step is ConditionalStep conditional)
            {
                foreach (var inner in Enumerate(conditional.ThenSteps).Concat(Enumerate(conditional.ElseSteps)))
                {
                    yield return inner;
                }
            }
        }
    }

    private static void Compile(IReadOnlyList<PlanStep> steps, List<PlanInstruction> program)
    {
        foreach (var step in steps)
        {
            switch (step)
            {
                case ExecutionStep execution:
                    program.Add(new ExecuteInstruction(program.Count, execution));
                    break;
                case ConditionalStep conditional:
                    // Placeholder indices are patched once the branch lengths are known.
                    var branchIndex = program.Count;
                    program.Add(null!);
                    Compile(conditional.ThenSteps, program);
                    var jumpIndex = -1;
                    if (conditional.ElseSteps.Count > 0)
                    {
                        jumpIndex = program.Count;
                        program.Add(null!);
                    }

                    var elseIndex = program.Count;
                    Compile(conditional.ElseSteps, program);
                    program[branchIndex] = new BranchInstruction(branchIndex, conditional, elseIndex);
                    if (jumpIndex >= 0)
                    {
                        program[jumpIndex] = new JumpInstruction(jumpIndex, program.Count);
                    }

                    break;
                default:
                    throw new InvalidOperationException($"Unknown step type {step.GetType().Name}.");
            }
        }
    }

    private static void Describe(IReadOnlyList<PlanStep> steps, StringBuilder text, string indent)
    {
        var number = 1;
        foreach (var step in steps)
        {
            switch (step)
            {
                case NodeStep node:
                    text.Append(indent).Append(number).Append(". ").AppendLine(node.Node.Describe());
                    break;
                case ParallelStep parallel:
                    text.Append(indent).Append(number).Append(". parallel '").Append(parallel.Name).AppendLine("'");
                    foreach (var n in parallel.Nodes)
                    {
                        text.Append(indent).Append("   | ").AppendLine(n.Describe());
                    }

                    break;
                case ConditionalStep conditional:
                    text.Append(indent).Append(number).Append(". when '").Append(conditional.Name).AppendLine("'");
                    text.Append(indent).AppendLine("   then:");
                    Describe(conditional.ThenSteps, text, indent + "     ");
                    if (conditional.HasElse)
                    {
                        text.Append(indent).AppendLine("   else:");
                        Describe(conditional.ElseSteps, text, indent + "     ");
                    }

                    break;
            }

            number++;
        }
    }
}
