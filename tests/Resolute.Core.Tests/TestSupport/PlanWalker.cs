using Resolute.Planning;

namespace Resolute.Tests.TestSupport;

/// <summary>
/// Walks <see cref="FlowPlan.Instructions"/> the way the engine does — one integer cursor, branches evaluated against
/// the state when reached — without messaging, so tests can prove which steps a plan runs.
/// </summary>
internal static class PlanWalker
{
    /// <summary>
    /// The names of the execute steps reached, in order. <paramref name="onExecute"/> may update the state as a step
    /// would (for example to set the output a later predicate reads).
    /// </summary>
    public static IReadOnlyList<string> Walk(FlowPlan plan, FlowState state, Action<ExecutionStep, FlowState>? onExecute = null)
    {
        var executed = new List<string>();
        var cursor = 0;
        var moves = 0;
        while (cursor != plan.Instructions.Count)
        {
            Assert.InRange(cursor, 0, plan.Instructions.Count);
            Assert.True(++moves <= 10 * (plan.Instructions.Count + 1), "the plan loops");
            var instruction = plan.Instructions[cursor];
            Assert.Equal(cursor, instruction.Index);
            switch (instruction)
            {
                case ExecuteInstruction execute:
                    executed.Add(execute.Step.Name);
                    onExecute?.Invoke(execute.Step, state);
                    cursor++;
                    break;
                case BranchInstruction branch:
                    cursor = branch.Step.Predicate(state) ? cursor + 1 : branch.ElseIndex;
                    break;
                case JumpInstruction jump:
                    cursor = jump.Target;
                    break;
                default:
                    Assert.Fail($"Unknown instruction {instruction}.");
                    break;
            }
        }

        return executed;
    }

    /// <summary>
    /// Runs the flow in-process: each step's nodes get their input from <see cref="Node.ResolveInput"/>, run through
    /// <see cref="Node.ExecuteAsync"/>, and their output is stored under <see cref="Node.OutputKey"/> with the node's
    /// declared output type. The state goes through a JSON round trip after every step, as it would when the
    /// orchestrator persists it, so input functions read what a restarted orchestrator would read.
    /// Returns the final state and the executed node names in order.
    /// </summary>
    public static async Task<(FlowState State, IReadOnlyList<string> Nodes)> RunAsync(Flow flow, FlowState state)
    {
        var executed = new List<string>();
        var cursor = 0;
        while (cursor != flow.Plan.Instructions.Count)
        {
            switch (flow.Plan.Instructions[cursor])
            {
                case ExecuteInstruction execute:
                    foreach (var node in execute.Step.Nodes)
                    {
                        var input = node.ResolveInput(state);
                        var context = new NodeContext(Stubs.RunId, flow.Name, node.Name, 1, NodeContext.CreateIdempotencyKey(Stubs.RunId, node.Name), CancellationToken.None);
                        var output = await node.ExecuteAsync(input, context);
                        state.Set(node.OutputKey, output, node.OutputType);
                        executed.Add(node.Name);
                    }

                    state = FlowState.FromJson(state.ToJson());
                    cursor++;
                    break;
                case BranchInstruction branch:
                    cursor = branch.Step.Predicate(state) ? cursor + 1 : branch.ElseIndex;
                    break;
                case JumpInstruction jump:
                    cursor = jump.Target;
                    break;
            }
        }

        return (state, executed);
    }
}
