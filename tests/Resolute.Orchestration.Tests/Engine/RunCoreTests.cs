using System.Text.Json;
using Resolute.Contracts;
using Resolute.Orchestration.Decisions;
using Resolute.Orchestration.Tests.TestSupport;
using Resolute.Serialization;

namespace Resolute.Orchestration.Tests.Engine;

/// <summary>
/// Properties of the rebuilt run core that every rule relies on: one exit for node commands, ended attempts leave the
/// run row for the history exactly once, the row's size does not grow with history, and decisions are deterministic.
/// </summary>
[Trait("Area", "Engine")]
public sealed class RunCoreTests
{
    private static Flow Saga() => Stubs.ManualFlow("core")
        .Then(Stubs.Node("a").WithRetry(Stubs.Retry(3)).OnError(Stubs.Node("undo-a")))
        .ThenParallel("fan", Stubs.Node("b").OnError(Stubs.Node("undo-b")), Stubs.Node("c"))
        .Then(Stubs.Node("d"))
        .Build();

    [Fact]
    public void Every_command_first_attempt_retry_or_compensation_opens_its_attempt_with_a_deadline()
    {
        var sim = RunSimulator.For(Saga(), options: new OrchestratorOptions { DeadlineGrace = TimeSpan.FromSeconds(30) });
        sim.Start(new Text("in"));
        sim.Fail("a");
        sim.WakeWhenDue();
        sim.Complete("a", new Text("A"));
        sim.Complete("b", new Text("B"));
        sim.Fail("c", retryable: false);

        Assert.Equal(["a", "a", "b", "c", "undo-b"], sim.DispatchedNodes);
        foreach (var dispatch in sim.Dispatches)
        {
            var attempt = sim.History.Single(e => e.ExecutionId == dispatch.Command.ExecutionId);
            Assert.Equal(dispatch.Command.DispatchedAt + Node.DefaultTimeout + TimeSpan.FromSeconds(30), attempt.DeadlineAt);
            Assert.Equal(attempt.Attempt, dispatch.Command.Attempt);
            Assert.Equal(attempt.IsCompensation, dispatch.Command.IsCompensation);
        }
    }

    [Fact]
    public void Each_attempt_ends_exactly_once_and_an_ended_run_keeps_nothing_open()
    {
        var sim = RunSimulator.For(Saga());
        var ended = new List<Guid>();
        void Track(FlowRunDecision d) => ended.AddRange(d.EndedExecutions.Select(e => e.ExecutionId));

        Track(sim.Start(new Text("in")));
        Track(sim.Fail("a"));
        Track(sim.WakeWhenDue());
        Track(sim.Complete("a", new Text("A")));
        Track(sim.Complete("b", new Text("B")));
        Track(sim.Fail("c", retryable: false));
        Track(sim.Complete("undo-b"));
        Track(sim.Complete("undo-a"));

        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Equal(ended.Count, ended.Distinct().Count());
        Assert.Equal(sim.Dispatches.Select(d => d.Command.ExecutionId).Order(), ended.Order());
        Assert.Empty(sim.Progress.Open);
        Assert.Null(sim.Run.NextWakeAt);
        Assert.Equal(Enumerable.Range(1, ended.Count), sim.History.Select(e => e.Sequence));
    }

    [Fact]
    public void The_run_row_does_not_grow_with_the_number_of_attempts()
    {
        var flow = Stubs.ManualFlow("flaky").Then(Stubs.Node("a").WithRetry(Stubs.Retry(0, coefficient: 1.0))).Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));
        sim.Fail("a");
        sim.WakeWhenDue();
        var afterOneRetry = sim.Run.ProgressJson.Length;

        for (var i = 0; i < 50; i++)
        {
            sim.Fail("a");
            sim.WakeWhenDue();
        }

        Assert.Equal(52, sim.History.Count);
        Assert.Single(sim.Progress.Open);
        Assert.InRange(sim.Run.ProgressJson.Length, afterOneRetry - 4, afterOneRetry + 4);
    }

    [Fact]
    public void The_same_messages_at_the_same_times_with_the_same_ids_give_the_same_decisions()
    {
        static List<string> Play()
        {
            var next = 0;
            var registry = new FlowRegistry();
            registry.Add(Saga());
            var sim = new RunSimulator(registry, newExecutionId: () => new Guid(++next, 0, 0, new byte[8]));
            var decisions = new List<FlowRunDecision>
            {
                sim.Start(new Text("in")),
                sim.Fail("a"),
                sim.WakeWhenDue(),
                sim.Complete("a", new Text("A")),
                sim.Complete("b", new Text("B")),
                sim.Fail("c", retryable: false),
                sim.Complete("undo-b"),
                sim.Complete("undo-a"),
            };
            return decisions.Select(d => JsonSerializer.Serialize(new { d.Status, d.Dispatches, Events = d.Events.Select(e => JsonSerializer.Serialize(e, e.GetType(), ResoluteJson.Options)) }, ResoluteJson.Options)).ToList();
        }

        Assert.Equal(Play(), Play());
    }
}
