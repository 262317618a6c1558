using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Failures;

/// <summary>BRIEF §3 defaults: retry initial 1 s, ×2.0, at most 1 min, 3 attempts; 0 = unlimited; non-retryable errors get one attempt.</summary>
[Trait("Area", "Failures")]
public sealed class RetryTests
{
    [Fact]
    public void A_retryable_failure_schedules_the_next_attempt_after_the_initial_interval_and_dispatches_nothing_until_Wake()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Build());
        sim.Start(new Text("in"));
        sim.Time.Advance(TimeSpan.FromSeconds(10));
        var failedAt = sim.Time.GetUtcNow();

        var decision = sim.Fail("a");

        Assert.Empty(decision.Dispatches);
        Assert.Equal(RunStatus.Running, sim.Status);
        var retry = Assert.Single(sim.Executions("a"), e => e.Outcome == NodeExecutionOutcome.RetryScheduled);
        Assert.Equal(2, retry.Attempt);
        Assert.Equal(failedAt + TimeSpan.FromSeconds(1), retry.RetryAt);
        Assert.Equal(failedAt + TimeSpan.FromSeconds(1), sim.Run.NextWakeAt);

        sim.Time.Advance(TimeSpan.FromMilliseconds(999));
        var early = sim.Wake();
        Assert.True(early.Ignored);
        Assert.Empty(early.Dispatches);
        Assert.Equal(1, sim.DispatchCount("a"));

        sim.Time.Advance(TimeSpan.FromMilliseconds(1));
        var due = sim.Wake();

        var command = Assert.Single(due.Dispatches).Command;
        Assert.Equal("a", command.NodeName);
        Assert.Equal(2, command.Attempt);
        Assert.Equal(RunStatus.Running, sim.Status);
    }

    [Fact]
    public void A_retry_that_succeeds_continues_the_run_without_an_error()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Then(Stubs.Node("b")).Build());
        sim.Start(new Text("in"));

        sim.Fail("a");
        sim.WakeWhenDue();
        sim.Complete("a", new Text("A"));
        sim.Complete("b", new Text("B"));

        Assert.Equal(RunStatus.Completed, sim.Status);
        Assert.Null(sim.Error);
        Assert.Equal(new Text("A"), sim.State.Get<Text>("a"));
    }

    [Fact]
    public void Backoff_delays_follow_the_policy_doubling_and_capped_at_the_maximum_interval()
    {
        var policy = Stubs.Retry(maximumAttempts: 7, coefficient: 2.0, initialSeconds: 1, maximumSeconds: 10);
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a").WithRetry(policy)).Build());
        sim.Start(new Text("in"));
        var delays = new List<TimeSpan>();

        for (var attempt = 1; attempt < 7; attempt++)
        {
            var failedAt = sim.Time.GetUtcNow();
            sim.Fail("a");
            delays.Add(sim.Run.NextWakeAt!.Value - failedAt);
            sim.WakeWhenDue();
        }

        Assert.Equal([1, 2, 4, 8, 10, 10], delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public void The_default_policy_waits_1s_then_2s_between_its_three_attempts()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Build());
        sim.Start(new Text("in"));

        sim.Fail("a");
        Assert.Equal(ManualTimeProvider.Epoch.AddSeconds(1), sim.Run.NextWakeAt);
        sim.WakeWhenDue();
        sim.Fail("a");
        Assert.Equal(ManualTimeProvider.Epoch.AddSeconds(3), sim.Run.NextWakeAt);
        sim.WakeWhenDue();
        sim.Fail("a");

        Assert.Equal(3, sim.DispatchCount("a"));
        Assert.Equal(RunStatus.Failed, sim.Status);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void An_always_failing_node_gets_exactly_MaximumAttempts_attempts(int maximumAttempts)
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a").WithRetry(Stubs.Retry(maximumAttempts))).Build());
        sim.Start(new Text("in"));

        var attempts = sim.FailEveryAttempt("a");

        Assert.Equal(maximumAttempts, attempts);
        Assert.Equal(maximumAttempts, sim.DispatchCount("a"));
        Assert.Equal(Enumerable.Range(1, maximumAttempts), sim.Commands.Select(c => c.Attempt));
        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Equal(maximumAttempts, sim.Error!.Attempt);
        Assert.Null(sim.Run.NextWakeAt);
    }

    [Fact]
    public void A_node_with_the_default_policy_gets_three_attempts()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Build());
        sim.Start(new Text("in"));

        Assert.Equal(3, sim.FailEveryAttempt("a"));
        Assert.Equal(RunStatus.Failed, sim.Status);
    }

    [Fact]
    public void MaximumAttempts_zero_keeps_retrying()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a").WithRetry(Stubs.Retry(RetryPolicy.Unlimited))).Build());
        sim.Start(new Text("in"));

        for (var attempt = 1; attempt <= 20; attempt++)
        {
            sim.Fail("a");
            Assert.Equal(RunStatus.Running, sim.Status);
            sim.WakeWhenDue();
        }

        Assert.Equal(21, sim.PendingCommand("a").Attempt);
        sim.Complete("a", new Text("finally"));
        Assert.Equal(RunStatus.Completed, sim.Status);
        Assert.Equal(21, sim.DispatchCount("a"));
    }

    [Fact]
    public void A_non_retryable_failure_gets_one_attempt()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a").WithRetry(Stubs.Retry(10))).Build());
        sim.Start(new Text("in"));

        var decision = sim.Fail("a", "Resolute.NonRetryableException", retryable: false);

        Assert.Equal(RunStatus.Failed, decision.Status);
        Assert.Equal(1, sim.DispatchCount("a"));
        Assert.DoesNotContain(sim.History, e => e.Outcome == NodeExecutionOutcome.RetryScheduled);
        Assert.Equal(1, sim.Error!.Attempt);
        Assert.Null(sim.Run.NextWakeAt);
    }

    [Fact]
    public void A_retry_scheduled_in_a_parallel_step_is_abandoned_when_a_sibling_fails_for_good()
    {
        var flow = Stubs.ManualFlow()
            .ThenParallel("pair", Stubs.Node("a").WithRetry(Stubs.Retry(5)), Stubs.Node("b"))
            .Then(Stubs.Node("next"))
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));
        sim.Fail("a");
        var retryAt = sim.Run.NextWakeAt!.Value;

        sim.Fail("b", retryable: false);
        sim.Time.SetUtcNow(retryAt.AddMinutes(1));
        var wake = sim.Wake();

        Assert.Empty(wake.Dispatches);
        Assert.Equal(1, sim.DispatchCount("a"));
        Assert.Equal(0, sim.DispatchCount("next"));
        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Equal("b", sim.Error!.NodeName);
    }

    [Fact]
    public void A_retry_carries_the_same_input_as_the_first_attempt()
    {
        var calls = 0;
        var b = Stubs.Node("b").WithInput(s => new Text($"call {++calls}: {s.Get<Text>("a").Value}"));
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Then(b).Build());
        sim.Start(new Text("in"));
        sim.Complete("a", new Text("A"));
        var first = sim.PendingCommand("b");

        sim.Fail("b");
        sim.WakeWhenDue();

        Assert.Equal(first.InputJson, sim.PendingCommand("b").InputJson);
        Assert.Equal(1, calls);
    }

    [Fact]
    public void The_wake_up_time_is_the_earliest_of_pending_deadlines_and_scheduled_retries()
    {
        var flow = Stubs.ManualFlow()
            .ThenParallel("pair", Stubs.Node("a").WithTimeout(TimeSpan.FromMinutes(2)), Stubs.Node("b").WithRetry(Stubs.Retry(3, initialSeconds: 5)))
            .Build();
        var sim = RunSimulator.For(flow, options: new OrchestratorOptions { DeadlineGrace = TimeSpan.FromSeconds(30) });
        sim.Start(new Text("in"));
        Assert.Equal(ManualTimeProvider.Epoch.AddSeconds(150), sim.Run.NextWakeAt);

        sim.Fail("b");

        Assert.Equal(ManualTimeProvider.Epoch.AddSeconds(5), sim.Run.NextWakeAt);
        sim.WakeWhenDue();
        Assert.Equal(ManualTimeProvider.Epoch.AddSeconds(150), sim.Run.NextWakeAt);
        Assert.Equal(["a", "b"], sim.PendingNodes);
    }
}
