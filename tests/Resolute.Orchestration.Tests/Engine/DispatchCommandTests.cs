using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Engine;

/// <summary>What an <see cref="ExecuteNode"/> carries and where it goes.</summary>
[Trait("Area", "Engine")]
public sealed class DispatchCommandTests
{
    [Fact]
    public void Nodes_go_to_the_flow_queue_unless_they_name_their_own()
    {
        var flow = Stubs.ManualFlow()
            .ThenParallel("both", Stubs.Node("plain"), Stubs.Node("special").WithTaskQueue("gpu-queue"))
            .Build();
        var sim = RunSimulator.For(flow, taskQueue: "orders-queue");

        sim.Start(new Text("in"));

        var registered = sim.Registry.Flows.Single();
        Assert.Equal(
            [("plain", "orders-queue"), ("special", "gpu-queue")],
            sim.Dispatches.Select(d => (d.Command.NodeName, d.TaskQueue)));
        Assert.All(sim.Dispatches, d => Assert.Equal(registered.QueueOf(flow.GetNode(d.Command.NodeName)), d.TaskQueue));
    }

    [Fact]
    public void Nodes_of_a_flow_registered_without_a_queue_go_to_the_default_queue()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Build());

        sim.Start(new Text("in"));

        Assert.Equal(FlowRegistry.DefaultTaskQueue, Assert.Single(sim.Dispatches).TaskQueue);
    }

    [Fact]
    public void ExecuteNode_carries_the_run_flow_version_attempt_one_idempotency_key_and_timeout()
    {
        var flow = Stubs.ManualFlow("orders").Then(Stubs.Node("charge").WithTimeout(TimeSpan.FromSeconds(42))).Build();
        var sim = RunSimulator.For(flow);

        sim.Start(new Text("in"));

        var command = Assert.Single(sim.Dispatches).Command;
        Assert.Equal(RunSimulator.DefaultRunId, command.RunId);
        Assert.Equal("orders", command.FlowName);
        Assert.Equal(flow.Version, command.FlowVersion);
        Assert.Equal("charge", command.NodeName);
        Assert.Equal("charge", command.StepName);
        Assert.Equal(1, command.Attempt);
        Assert.Equal($"{RunSimulator.DefaultRunId:N}/charge", command.IdempotencyKey);
        Assert.Equal(TimeSpan.FromSeconds(42), command.Timeout);
        Assert.False(command.IsCompensation);
        Assert.Equal(ManualTimeProvider.Epoch, command.DispatchedAt);
        Assert.NotEqual(Guid.Empty, command.ExecutionId);
    }

    [Fact]
    public void A_node_without_WithTimeout_carries_the_default_timeout_of_five_minutes()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Build());

        sim.Start(new Text("in"));

        Assert.Equal(TimeSpan.FromMinutes(5), Assert.Single(sim.Dispatches).Command.Timeout);
    }

    [Fact]
    public void The_idempotency_key_is_the_same_across_attempts_and_the_execution_id_is_not()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a").WithRetry(Stubs.Retry(3))).Build());
        sim.Start(new Text("in"));

        sim.Fail("a");
        sim.WakeWhenDue();
        sim.Fail("a");
        sim.WakeWhenDue();

        var attempts = sim.Commands.Where(c => c.NodeName == "a").ToList();
        Assert.Equal([1, 2, 3], attempts.Select(c => c.Attempt));
        Assert.Single(attempts.Select(c => c.IdempotencyKey).Distinct());
        Assert.Equal($"{RunSimulator.DefaultRunId:N}/a", attempts[0].IdempotencyKey);
        Assert.Equal(3, attempts.Select(c => c.ExecutionId).Distinct().Count());
        Assert.Single(attempts.Select(c => c.InputJson).Distinct());
    }

    [Fact]
    public void Every_node_of_a_parallel_step_gets_its_own_execution_id_and_key()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().ThenParallel("p", Stubs.Node("a"), Stubs.Node("b")).Build());

        sim.Start(new Text("in"));

        Assert.Equal(2, sim.Commands.Select(c => c.ExecutionId).Distinct().Count());
        Assert.Equal([$"{RunSimulator.DefaultRunId:N}/a", $"{RunSimulator.DefaultRunId:N}/b"], sim.Commands.Select(c => c.IdempotencyKey));
    }
}
