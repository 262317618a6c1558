using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Failures;

/// <summary>
/// A node that merely waits in its queue is not counted as failed and sent again: a worker that starts it late says so
/// (<see cref="NodeStarted"/>) and the deadline counts from that start; one still queued at its deadline is waited for up
/// to <see cref="OrchestratorOptions.QueueWaitLimit"/>.
/// </summary>
[Trait("Area", "Durability")]
public sealed class QueueWaitTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan QueueWait = TimeSpan.FromMinutes(10);

    private static RunSimulator Simulator(TimeSpan? queueWait) => RunSimulator.For(
        Stubs.ManualFlow().Then(Stubs.Node("a").WithTimeout(Timeout)).Build(),
        options: new OrchestratorOptions { DeadlineGrace = Grace, QueueWaitLimit = queueWait });

    [Fact]
    public void The_command_tells_the_worker_the_deadline_and_the_last_moment_it_may_start()
    {
        var sim = Simulator(QueueWait);

        sim.Start(new Text("in"));

        var command = sim.PendingCommand("a");
        Assert.Equal(ManualTimeProvider.Epoch + Timeout + Grace, command.ReplyBy);
        Assert.Equal(ManualTimeProvider.Epoch + QueueWait, command.StartBy);
        Assert.Null(command.RateLimitSlot);
    }

    [Fact]
    public void Without_a_queue_wait_limit_the_command_has_no_start_by_time()
    {
        var sim = Simulator(null);

        sim.Start(new Text("in"));

        Assert.Null(sim.PendingCommand("a").StartBy);
        Assert.Equal(ManualTimeProvider.Epoch + Timeout + Grace, sim.PendingCommand("a").ReplyBy);
    }

    [Fact]
    public void A_late_start_moves_the_deadline_to_start_plus_timeout_plus_grace_and_the_node_is_not_sent_again()
    {
        var sim = Simulator(QueueWait);
        sim.Start(new Text("in"));

        // Waited 35 s in the queue, then started: the dispatch-time deadline (40 s) would fall 5 s into the run.
        sim.Time.Advance(TimeSpan.FromSeconds(35));
        var started = sim.StartLate("a");

        Assert.False(started.Ignored);
        var attempt = Assert.Single(sim.Executions("a"));
        Assert.Equal(sim.Time.GetUtcNow(), attempt.StartedAt);
        Assert.Equal(sim.Time.GetUtcNow() + Timeout + Grace, attempt.DeadlineAt);
        Assert.Equal(attempt.DeadlineAt, sim.Run.NextWakeAt);

        sim.Time.Advance(Timeout + Grace - TimeSpan.FromMilliseconds(1));
        Assert.True(sim.Wake().Ignored);
        sim.Complete("a", new Text("A"));

        Assert.Equal(RunStatus.Completed, sim.Status);
        Assert.Equal(1, sim.DispatchCount("a"));
    }

    [Fact]
    public void A_second_started_signal_changes_nothing()
    {
        var sim = Simulator(QueueWait);
        sim.Start(new Text("in"));
        sim.Time.Advance(TimeSpan.FromSeconds(35));
        var command = sim.PendingCommand("a");
        sim.Deliver(sim.Started(command));
        var deadline = Assert.Single(sim.Executions("a")).DeadlineAt;

        sim.Time.Advance(TimeSpan.FromSeconds(20));
        var again = sim.Deliver(sim.Started(command));

        Assert.True(again.Ignored);
        Assert.Equal(deadline, Assert.Single(sim.Executions("a")).DeadlineAt);
    }

    [Fact]
    public void A_started_signal_dated_ahead_of_the_orchestrator_clock_counts_from_the_orchestrator_now()
    {
        var sim = Simulator(QueueWait);
        sim.Start(new Text("in"));
        sim.Time.Advance(TimeSpan.FromSeconds(35));
        var signal = sim.Started(sim.PendingCommand("a")) with { StartedAt = sim.Time.GetUtcNow().AddHours(1) };

        sim.Deliver(signal);

        Assert.Equal(sim.Time.GetUtcNow() + Timeout + Grace, Assert.Single(sim.Executions("a")).DeadlineAt);
    }

    [Fact]
    public void An_attempt_still_queued_at_its_deadline_is_waited_for_until_the_queue_wait_limit_has_passed_too()
    {
        var sim = Simulator(QueueWait);
        sim.Start(new Text("in"));

        sim.Time.Advance(Timeout + Grace);
        var atDeadline = sim.Wake();

        Assert.False(atDeadline.Ignored);
        Assert.Empty(atDeadline.Dispatches);
        var attempt = Assert.Single(sim.Executions("a"));
        Assert.Equal(NodeExecutionOutcome.Pending, attempt.Outcome);
        var lastChance = ManualTimeProvider.Epoch + QueueWait + Timeout + Grace;
        Assert.Equal(lastChance, attempt.DeadlineAt);
        Assert.Equal(lastChance, sim.Run.NextWakeAt);

        // Taken by a worker just before its start-by time: it says so, and gets its full timeout from there.
        sim.Time.Advance(QueueWait - TimeSpan.FromSeconds(1));
        sim.StartLate("a");
        sim.Time.Advance(Timeout);
        sim.Complete("a", new Text("A"));
        Assert.Equal(RunStatus.Completed, sim.Status);
        Assert.Equal(1, sim.DispatchCount("a"));
    }

    [Fact]
    public void An_attempt_no_worker_started_within_the_queue_wait_limit_counts_as_failed_and_is_sent_again()
    {
        var sim = Simulator(QueueWait);
        sim.Start(new Text("in"));
        sim.Time.Advance(Timeout + Grace);
        sim.Wake();

        sim.Time.Advance(QueueWait);
        sim.Wake();

        var lost = sim.Executions("a")[0];
        Assert.Equal(NodeExecutionOutcome.Failed, lost.Outcome);
        Assert.Equal(ErrorTypes.DeadlineExceeded, lost.Error!.Type);
        Assert.Contains("no worker said it started it", lost.Error.Message, StringComparison.Ordinal);
        Assert.Contains("task queue", lost.Error.Message, StringComparison.Ordinal);
        sim.WakeWhenDue();
        Assert.Equal(2, sim.PendingCommand("a").Attempt);
    }

    [Fact]
    public void A_started_attempt_with_no_reply_by_its_deadline_counts_as_failed_at_once()
    {
        var sim = Simulator(QueueWait);
        sim.Start(new Text("in"));
        sim.Time.Advance(TimeSpan.FromSeconds(35));
        sim.StartLate("a");

        sim.Time.Advance(Timeout + Grace);
        sim.Wake();

        var failed = sim.Executions("a")[0];
        Assert.Equal(NodeExecutionOutcome.Failed, failed.Outcome);
        Assert.Contains("the worker may have stopped", failed.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_zero_limit_an_attempt_still_queued_at_its_deadline_counts_as_failed()
    {
        var sim = Simulator(TimeSpan.Zero);
        sim.Start(new Text("in"));

        sim.Time.Advance(Timeout + Grace);
        sim.Wake();

        Assert.Equal(NodeExecutionOutcome.Failed, sim.Executions("a")[0].Outcome);
    }

    [Fact]
    public void A_negative_limit_is_refused_with_the_option_named()
    {
        var options = new OrchestratorOptions { QueueWaitLimit = TimeSpan.FromSeconds(-1) };

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Contains("QueueWaitLimit", error.Message, StringComparison.Ordinal);
    }
}
