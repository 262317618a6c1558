using Resolute.Contracts;
using Resolute.Orchestration.RateLimits;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.RateLimits;

/// <summary>
/// The rate-limit gate at the dispatcher: a limited attempt is sent only at the slot its limiter reserved and carries a
/// start window; until then it waits on the run's timer (holding no worker); every attempt takes a slot; a worker that
/// took it too late sends it back for a new one.
/// </summary>
[Trait("Area", "RateLimits")]
public sealed class RateLimitGateTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200); // 5 per second

    [Fact]
    public void The_first_start_goes_out_at_once_with_its_slot_and_a_start_window_of_half_the_interval()
    {
        var sim = Simulator(Stubs.Node("a").WithRateLimit(5, TimeSpan.FromSeconds(1)));
        var now = sim.Time.GetUtcNow();

        sim.Start(new Text("in"));

        var command = sim.PendingCommand("a");
        Assert.Equal(now, command.RateLimitSlot);
        Assert.Equal(now + TimeSpan.FromMilliseconds(100), command.StartBy);
        Assert.Equal(RunStatus.Running, sim.Status);
    }

    [Fact]
    public void A_start_beyond_the_limit_waits_for_its_slot_on_the_run_timer_and_is_sent_when_it_comes()
    {
        var ledger = new InMemoryRateLimitLedger();
        var time = new ManualTimeProvider();
        var flow = Stubs.ManualFlow().Then(Stubs.Node("a").WithRateLimit(5, TimeSpan.FromSeconds(1))).Build();
        var first = Simulator(flow, ledger, time, 1);
        var second = Simulator(flow, ledger, time, 2);
        var start = time.GetUtcNow();

        first.Start(new Text("1"));
        var decision = second.Start(new Text("2"));

        Assert.Empty(decision.Dispatches);
        Assert.Equal(RunStatus.Running, second.Status);
        var waiting = Assert.Single(second.Executions("a"));
        Assert.Equal(NodeExecutionOutcome.WaitingForRateLimit, waiting.Outcome);
        Assert.Equal(start + Interval, waiting.RateLimitSlot);
        Assert.Equal(start + Interval, second.Run.NextWakeAt);
        var record = waiting.ToRecord();
        Assert.Equal(NodeExecutionOutcome.WaitingForRateLimit, record.Outcome);
        Assert.Equal(start, record.WaitingSince);

        time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.True(second.Wake().Ignored);

        time.Advance(TimeSpan.FromMilliseconds(1));
        var due = second.Wake();

        var command = Assert.Single(due.Dispatches).Command;
        Assert.Equal(start + Interval, command.RateLimitSlot);
        Assert.Equal(start + Interval + TimeSpan.FromMilliseconds(100), command.StartBy);
        var sent = Assert.Single(second.Executions("a"));
        Assert.Equal(NodeExecutionOutcome.Pending, sent.Outcome);
        Assert.Equal(Interval, sent.RateLimitWait);
        Assert.Null(sent.ToRecord().WaitingSince);
        Assert.Equal(Interval, sent.ToRecord().RateLimitWait);
    }

    [Fact]
    public void Slots_of_one_limiter_are_one_interval_apart_across_runs()
    {
        var ledger = new InMemoryRateLimitLedger();
        var time = new ManualTimeProvider();
        var flow = Stubs.ManualFlow().Then(Stubs.Node("a").WithRateLimit(5, TimeSpan.FromSeconds(1))).Build();
        var start = time.GetUtcNow();

        for (var i = 1; i <= 12; i++)
        {
            Simulator(flow, ledger, time, i).Start(new Text($"{i}"));
        }

        var slots = Assert.Single(ledger.Reserved).Value;
        Assert.Equal(Enumerable.Range(0, 12).Select(i => start + (Interval * i)), slots);
        Assert.True(slots.Count(s => s < start + TimeSpan.FromSeconds(1)) <= 5);
    }

    [Fact]
    public void Two_nodes_of_a_parallel_step_sharing_a_limiter_get_consecutive_slots_and_the_second_waits()
    {
        var limiter = RateLimiter.Shared("api", 10, TimeSpan.FromSeconds(1));
        var flow = Stubs.ManualFlow()
            .ThenParallel("both", Stubs.Node("a").WithSharedRateLimit(limiter), Stubs.Node("b").WithSharedRateLimit(limiter))
            .Build();
        var sim = RunSimulator.For(flow);
        var start = sim.Time.GetUtcNow();

        var decision = sim.Start(new Text("in"));

        Assert.Equal(["a"], decision.Dispatches.Select(d => d.Command.NodeName));
        Assert.Equal([start, start + TimeSpan.FromMilliseconds(100)], sim.Ledger.Reserved["shared:api"]);
        sim.Time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(["b"], sim.Wake().Dispatches.Select(d => d.Command.NodeName));
        sim.Complete("a", new Text("A"));
        sim.Complete("b", new Text("B"));
        Assert.Equal(RunStatus.Completed, sim.Status);
    }

    [Fact]
    public void Nodes_with_separate_limiters_do_not_wait_for_each_other()
    {
        var flow = Stubs.ManualFlow()
            .ThenParallel("both",
                Stubs.Node("a").WithSharedRateLimit(RateLimiter.Shared("one", 1, TimeSpan.FromSeconds(10))),
                Stubs.Node("b").WithSharedRateLimit(RateLimiter.Shared("two", 1, TimeSpan.FromSeconds(10))))
            .Build();
        var sim = RunSimulator.For(flow);

        var decision = sim.Start(new Text("in"));

        Assert.Equal(["a", "b"], decision.Dispatches.Select(d => d.Command.NodeName).Order());
    }

    [Fact]
    public void A_retry_takes_a_slot_too()
    {
        var flow = Stubs.ManualFlow().Then(Stubs.Node("a").WithRateLimit(1, TimeSpan.FromSeconds(10))).Build();
        var sim = RunSimulator.For(flow);
        var start = sim.Time.GetUtcNow();
        sim.Start(new Text("in"));

        sim.Fail("a");
        var retryDue = sim.WakeWhenDue(); // the back-off (1 s) is over, but the limiter's next slot is at 10 s

        Assert.Empty(retryDue.Dispatches);
        var retry = Assert.Single(sim.Executions("a"), e => e.Attempt == 2);
        Assert.Equal(NodeExecutionOutcome.WaitingForRateLimit, retry.Outcome);
        Assert.Equal(start + TimeSpan.FromSeconds(10), retry.RateLimitSlot);

        var sent = sim.WakeWhenDue();
        Assert.Equal(2, Assert.Single(sent.Dispatches).Command.Attempt);
        Assert.Equal([start, start + TimeSpan.FromSeconds(10)], sim.Ledger.Reserved["node:test-flow/a"]);
    }

    [Fact]
    public void A_worker_that_took_the_attempt_too_late_sends_it_back_and_it_waits_for_a_new_slot_without_using_a_retry()
    {
        var sim = Simulator(Stubs.Node("a").WithRateLimit(5, TimeSpan.FromSeconds(1)));
        var start = sim.Time.GetUtcNow();
        sim.Start(new Text("in"));
        var first = sim.PendingCommand("a");
        sim.Time.Advance(TimeSpan.FromSeconds(3));

        var bounced = sim.MissStart("a");

        // The limiter's next free slot (start + 200 ms) is long past: the new slot is now, sent at once, same attempt.
        var resent = Assert.Single(bounced.Dispatches).Command;
        Assert.Equal(first.ExecutionId, resent.ExecutionId);
        Assert.Equal(1, resent.Attempt);
        Assert.Equal(start + TimeSpan.FromSeconds(3), resent.RateLimitSlot);
        Assert.Equal(TimeSpan.Zero, Assert.Single(sim.Executions("a")).RateLimitWait);

        // The first command, redelivered and bounced again, names the old slot: ignored.
        var stale = sim.Deliver(sim.StartMissed(first));
        Assert.True(stale.Ignored);
        Assert.Empty(stale.Dispatches);

        sim.Complete("a", new Text("A"));
        Assert.Equal(RunStatus.Completed, sim.Status);
    }

    [Fact]
    public void A_slot_whose_window_closed_while_no_orchestrator_ran_is_not_used_late_a_new_one_is_reserved()
    {
        var ledger = new InMemoryRateLimitLedger();
        var time = new ManualTimeProvider();
        var flow = Stubs.ManualFlow().Then(Stubs.Node("a").WithRateLimit(5, TimeSpan.FromSeconds(1))).Build();
        Simulator(flow, ledger, time, 1).Start(new Text("1"));
        var late = Simulator(flow, ledger, time, 2);
        late.Start(new Text("2"));
        var start = time.GetUtcNow();

        time.Advance(TimeSpan.FromSeconds(5)); // the slot was start + 200 ms; its window closed at start + 300 ms
        var woke = late.Wake();

        var command = Assert.Single(woke.Dispatches).Command;
        Assert.Equal(start + TimeSpan.FromSeconds(5), command.RateLimitSlot);
        Assert.Equal([start, start + Interval, start + TimeSpan.FromSeconds(5)], ledger.Reserved["node:test-flow/a"]);
        Assert.Equal(TimeSpan.FromSeconds(5), Assert.Single(late.Executions("a")).RateLimitWait);
    }

    [Fact]
    public void Cancelling_a_run_abandons_an_attempt_waiting_for_its_slot_and_sends_nothing()
    {
        var ledger = new InMemoryRateLimitLedger();
        var time = new ManualTimeProvider();
        var flow = Stubs.ManualFlow().Then(Stubs.Node("a").WithRateLimit(1, TimeSpan.FromMinutes(1))).Build();
        Simulator(flow, ledger, time, 1).Start(new Text("1"));
        var waiting = Simulator(flow, ledger, time, 2);
        waiting.Start(new Text("2"));

        var cancelled = waiting.Cancel();

        Assert.Empty(cancelled.Dispatches);
        Assert.Equal(RunStatus.Cancelled, waiting.Status);
        Assert.Equal(NodeExecutionOutcome.Abandoned, Assert.Single(waiting.Executions("a")).Outcome);
        Assert.Null(waiting.Run.NextWakeAt);
    }

    [Fact]
    public void Windows_are_half_the_interval_but_never_under_50_ms_and_keys_name_the_limiter()
    {
        var flow = Stubs.ManualFlow()
            .Then(Stubs.Node("own").WithRateLimit(50, TimeSpan.FromMinutes(1)))
            .Then(Stubs.Node("fast").WithRateLimit(1000, TimeSpan.FromSeconds(1)))
            .Then(Stubs.Node("shared").WithSharedRateLimit(RateLimiter.Shared("external-api", 100, TimeSpan.FromMinutes(1))))
            .Then(Stubs.Node("free"))
            .Build();

        var own = NodeRateLimit.Of(flow, flow.GetNode("own"))!;
        Assert.Equal(new NodeRateLimit("node:test-flow/own", TimeSpan.FromMilliseconds(1200), TimeSpan.FromMilliseconds(600)), own);
        Assert.Equal(NodeRateLimit.MinimumStartWindow, NodeRateLimit.Of(flow, flow.GetNode("fast"))!.StartWindow);
        Assert.Equal("shared:external-api", NodeRateLimit.Of(flow, flow.GetNode("shared"))!.Key);
        Assert.Null(NodeRateLimit.Of(flow, flow.GetNode("free")));
    }

    [Fact]
    public void A_node_without_a_rate_limit_carries_no_slot_and_no_window()
    {
        var sim = Simulator(Stubs.Node("a"));

        sim.Start(new Text("in"));

        var command = sim.PendingCommand("a");
        Assert.Null(command.RateLimitSlot);
        Assert.Null(command.StartBy);
        Assert.Empty(sim.Ledger.Reserved);
    }

    private static RunSimulator Simulator(Node node) => RunSimulator.For(Stubs.ManualFlow().Then(node).Build());

    private static RunSimulator Simulator(Flow flow, InMemoryRateLimitLedger ledger, ManualTimeProvider time, int run)
    {
        var registry = new FlowRegistry();
        registry.Add(flow);
        return new RunSimulator(registry, ledger: ledger, time: time, runId: new Guid(run, 0, 0, new byte[8]));
    }
}
