namespace Resolute.Planning;

/// <summary>
/// The plan flattened into a program the engine walks with one integer cursor, so a run's position survives a
/// restart as a single number. <c>Index == Instructions.Count</c> means the run is complete.
/// </summary>
public abstract class PlanInstruction
{
    private protected PlanInstruction(int index) => Index = index;

    /// <summary>This instruction's position in <see cref="FlowPlan.Instructions"/>.</summary>
    public int Index { get; }
}

/// <summary>Dispatch the step's nodes; continue at <c>Index + 1</c> when all of them completed.</summary>
public sealed class ExecuteInstruction : PlanInstruction
{
    internal ExecuteInstruction(int index, ExecutionStep step)
        : base(index) => Step = step;

    /// <summary>The step to run.</summary>
    public ExecutionStep Step { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Index}: execute '{Step.Name}'";
}

/// <summary>Evaluate the predicate: true continues at <c>Index + 1</c>, false jumps to <see cref="ElseIndex"/>.</summary>
public sealed class BranchInstruction : PlanInstruction
{
    internal BranchInstruction(int index, ConditionalStep step, int elseIndex)
        : base(index)
    {
        Step = step;
        ElseIndex = elseIndex;
    }

    /// <summary>The conditional block.</summary>
    public ConditionalStep Step { get; }

    /// <summary>Where to continue when the predicate is false.</summary>
    public int ElseIndex { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Index}: when '{Step.Name}' else goto {ElseIndex}";
}

/// <summary>Continue at <see cref="Target"/> (the end of a then-branch skips the else-branch).</summary>
public sealed class JumpInstruction : PlanInstruction
{
    internal JumpInstruction(int index, int target)
        : base(index) => Target = target;

    /// <summary>The instruction to continue at.</summary>
    public int Target { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Index}: goto {Target}";
}
