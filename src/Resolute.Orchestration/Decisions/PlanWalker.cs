using Resolute.Contracts;
using Resolute.Planning;

namespace Resolute.Orchestration.Decisions;

/// <summary>Walks the compiled plan from the run's cursor: follows jumps, evaluates branches, dispatches the next step.</summary>
internal static class PlanWalker
{
    /// <summary>
    /// Walks until a step is dispatched, the plan ends (the run completes), or a step fails before dispatch. Bounded:
    /// jumps only go forward and the cursor passes a dispatched step.
    /// </summary>
    public static void Advance(RunTurn turn)
    {
        var state = turn.State;
        var instructions = turn.Flow.Plan.Instructions;

        // The step that was running (if any) joined: its span ends here.
        RunTracing.StepEnded(turn);
        while (true)
        {
            if (state.Cursor >= instructions.Count)
            {
                RunEnding.Complete(turn);
                return;
            }

            var index = state.Cursor;
            switch (instructions[index])
            {
                case JumpInstruction jump:
                    state.Cursor = jump.Target;
                    continue;

                case BranchInstruction branch:
                    state.CurrentStep = branch.Step.Name;
                    bool taken;
                    try
                    {
                        taken = branch.Step.Predicate(state.Data);
                    }
                    catch (Exception e)
                    {
                        StepJoin.FailBeforeDispatch(turn, branch.Step.Name, null,
                            new ErrorInfo { Type = e.GetType().FullName ?? "Exception", Message = $"The predicate of When '{branch.Step.Name}' threw: {e.Message}", StackTrace = e.StackTrace });
                        return;
                    }

                    state.Cursor = taken ? index + 1 : branch.ElseIndex;
                    continue;

                case ExecuteInstruction execute:
                    state.CurrentStep = execute.Step.Name;
                    state.Cursor = index + 1;
                    RunTracing.StepBegan(turn, execute.Step.Name);
                    DispatchStep(turn, execute.Step);
                    return;

                default:
                    throw new InvalidOperationException($"Unknown plan instruction {instructions[index]}.");
            }
        }
    }

    private static void DispatchStep(RunTurn turn, ExecutionStep step)
    {
        // Inputs are computed first, for all nodes: if one cannot be computed, none is dispatched (a best-effort node
        // whose input cannot be computed is recorded as failed and left out instead).
        var inputs = new List<(Node Node, string Json)>(step.Nodes.Count);
        var skipped = new List<(Node Node, ErrorInfo Error)>();
        foreach (var node in step.Nodes)
        {
            if (NodeInputs.TryCompute(turn, node, out var json, out var error))
            {
                inputs.Add((node, json!));
            }
            else if (node.ContinuesOnError)
            {
                skipped.Add((node, error!));
            }
            else
            {
                StepJoin.FailBeforeDispatch(turn, step.Name, node.Name, error!);
                return;
            }
        }

        foreach (var (node, error) in skipped)
        {
            StepJoin.SkipBestEffort(turn, step.Name, node, error);
        }

        foreach (var (node, json) in inputs)
        {
            var attempt = turn.NewAttempt(node.Name, step.Name, 1);
            attempt.InputJson = json;
            NodeDispatcher.Dispatch(turn, attempt, node);
        }
    }
}
