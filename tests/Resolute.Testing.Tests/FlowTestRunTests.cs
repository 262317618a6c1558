using System.Diagnostics;
using Resolute.Contracts;

namespace Resolute.Testing.Tests;

/// <summary>
/// A run under test follows the engine's rules on a virtual clock: retries wait their back-off, timeouts fire at the
/// node's deadline, rate-limited nodes start at their slots, parallel nodes really run together, cancellation compensates.
/// </summary>
[Trait("Area", "Testing")]
public sealed class FlowTestRunTests
{
    [Fact]
    public async Task Retries_wait_the_policys_back_off_on_the_virtual_clock_and_take_no_wall_time()
    {
        var flow = TestNodes.Manual("retries").Then(TestNodes.Append("flaky").WithRetry(TestNodes.Retry(4))).Build();
        var wall = Stopwatch.StartNew();

        var run = await new FlowTester(flow).FailAlways("flaky").RunAsync(new Text("in"));

        Assert.Equal(RunStatus.Failed, run.Status);
        var attempts = run.ExecutionsOf("flaky");
        Assert.Equal([1, 2, 3, 4], attempts.Select(a => a.Attempt));
        // 1 s, 2 s, 4 s apart: starts at +0, +1, +3, +7 seconds.
        Assert.Equal([0, 1, 3, 7], attempts.Select(a => (a.StartedAt!.Value - run.StartedAt).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(7), run.Elapsed);
        Assert.Equal([1, 3, 7], run.EventsOf<FlowRunRetryScheduled>().Select(e => (e.DueAt - run.StartedAt).TotalSeconds));
        Assert.True(wall.Elapsed < TimeSpan.FromSeconds(5), $"took {wall.Elapsed} of wall time");
    }

    [Fact]
    public async Task A_run_can_be_stepped_through_its_retry()
    {
        var flow = TestNodes.Manual("step").Then(TestNodes.Append("flaky").WithRetry(TestNodes.Retry(3, initialSeconds: 10))).Build();
        await using var run = await new FlowTester(flow).FailOn("flaky", 1, new TimeoutException("slow upstream")).StartAsync(new Text("in"));

        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Equal([NodeExecutionOutcome.Failed, NodeExecutionOutcome.RetryScheduled], run.ExecutionsOf("flaky").Select(e => e.Outcome));
        Assert.Equal("slow upstream", run.ExecutionsOf("flaky")[0].Error?.Message);
        Assert.Equal(run.StartedAt.AddSeconds(10), run.NextWakeAt);

        await run.AdvanceAsync(TimeSpan.FromSeconds(9));
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Equal(2, run.ExecutionsOf("flaky").Count);

        await run.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(new Text("in+flaky"), run.State.Get<Text>("flaky"));
        Assert.Equal(run.StartedAt.AddSeconds(10), run.ExecutionsOf("flaky")[1].StartedAt);
    }

    [Fact]
    public async Task A_node_that_hangs_is_timed_out_at_its_timeout_on_the_virtual_clock()
    {
        var flow = TestNodes.Manual("hang")
            .Then(TestNodes.Append("slow").WithTimeout(TimeSpan.FromMinutes(2)).WithRetry(TestNodes.Retry(1)))
            .Build();

        var run = await new FlowTester(flow)
            .Override("slow", async (Text input, NodeContext context) =>
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                return input;
            })
            .RunAsync(new Text("in"));

        Assert.Equal(RunStatus.Failed, run.Status);
        var attempt = Assert.Single(run.ExecutionsOf("slow"));
        Assert.Equal(ErrorTypes.NodeTimeout, attempt.Error?.Type);
        Assert.Equal(run.StartedAt.AddMinutes(2), attempt.EndedAt);
        Assert.Equal(TimeSpan.FromMinutes(2), run.Elapsed);
    }

    [Fact]
    public async Task A_node_that_ignores_its_token_is_abandoned_at_its_timeout_and_retried()
    {
        var never = new TaskCompletionSource<Text>();
        var flow = TestNodes.Manual("ignore").Then(TestNodes.Append("stuck").WithTimeout(TimeSpan.FromSeconds(30)).WithRetry(TestNodes.Retry(2))).Build();

        var run = await new FlowTester(flow)
            .Override("stuck", (Text input, NodeContext context) => context.Attempt == 1 ? never.Task : Task.FromResult(new Text("second time")))
            .RunAsync(new Text("in"));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal([ErrorTypes.NodeTimeout, null], run.ExecutionsOf("stuck").Select(e => e.Error?.Type));
        // Timed out at 30 s, retried 1 s later.
        Assert.Equal(run.StartedAt.AddSeconds(31), run.ExecutionsOf("stuck")[1].StartedAt);
    }

    [Fact]
    public async Task A_hanging_node_can_be_watched_until_its_timeout()
    {
        var flow = TestNodes.Manual("watch").Then(TestNodes.Append("slow").WithTimeout(TimeSpan.FromSeconds(30)).WithRetry(TestNodes.Retry(1))).Build();
        await using var run = await new FlowTester(flow)
            .Override("slow", async (Text input, NodeContext context) =>
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                return input;
            })
            .StartAsync(new Text("in"));

        Assert.Equal(["slow"], run.RunningNodes);
        await run.AdvanceAsync(TimeSpan.FromSeconds(29));
        Assert.Equal(["slow"], run.RunningNodes);
        Assert.Equal(RunStatus.Running, run.Status);

        await run.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Empty(run.RunningNodes);
        Assert.Equal(RunStatus.Failed, run.Status);
    }

    [Fact]
    public async Task The_nodes_of_a_parallel_step_really_run_at_the_same_time()
    {
        var aStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var flow = TestNodes.Manual("parallel").ThenParallel("both", TestNodes.Append("a"), TestNodes.Append("b")).Build();

        var run = await new FlowTester(flow)
            .Override("a", async (Text input, NodeContext context) =>
            {
                aStarted.SetResult();
                await bStarted.Task.WaitAsync(context.CancellationToken);
                return new Text("a saw b");
            })
            .Override("b", async (Text input, NodeContext context) =>
            {
                bStarted.SetResult();
                await aStarted.Task.WaitAsync(context.CancellationToken);
                return new Text("b saw a");
            })
            .RunAsync(new Text("in"));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(new Text("a saw b"), run.State.Get<Text>("a"));
        Assert.Equal(new Text("b saw a"), run.State.Get<Text>("b"));
        Assert.Equal(run.ExecutionsOf("a")[0].StartedAt, run.ExecutionsOf("b")[0].StartedAt);
    }

    [Fact]
    public async Task A_best_effort_node_that_fails_does_not_fail_the_run()
    {
        var flow = TestNodes.Manual("best-effort")
            .ThenParallel("enrich", TestNodes.Append("main"), TestNodes.Append("optional").ContinueOnError().WithRetry(TestNodes.Retry(2)))
            .Then(Node.Create<Text, Text>("merge", (input, context) => Task.FromResult(input)).WithInput(s => new Text($"{s.Get<Text>("main").Value}|{s.GetOrDefault<Text>("optional")?.Value ?? "none"}")))
            .Build();

        var run = await new FlowTester(flow).FailAlways("optional").RunAsync(new Text("in"));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.False(run.State.Has("optional"));
        Assert.Equal(new Text("in+main|none"), run.State.Get<Text>("merge"));
        Assert.Contains(run.EventsOf<FlowRunNodeFailed>(), e => e is { NodeName: "optional", ContinuesRun: true });
    }

    [Fact]
    public async Task Only_the_branch_whose_condition_holds_runs()
    {
        var flow = TestNodes.Manual("branch")
            .Then(TestNodes.Append("check"))
            .When(state => state.Get<Text>("check").Value.StartsWith("big", StringComparison.Ordinal))
                .Then(TestNodes.After("approve", "check"))
            .Else()
                .Then(TestNodes.After("auto", "check"))
            .EndWhen()
            .Then(TestNodes.After("done", "check"))
            .Build();
        var tester = new FlowTester(flow);

        var big = await tester.RunAsync(new Text("big order"));
        var small = await tester.RunAsync(new Text("small order"));

        Assert.Equal(["check", "approve", "done"], big.NodeOrder);
        Assert.Equal(["check", "auto", "done"], small.NodeOrder);
        Assert.False(small.State.Has("approve"));
    }

    [Fact]
    public async Task Rate_limited_nodes_start_at_their_limiters_slots_on_the_virtual_clock()
    {
        var api = RateLimiter.Shared("api", 2, TimeSpan.FromMinutes(1));
        var flow = TestNodes.Manual("limited")
            .ThenParallel("calls", TestNodes.Append("one").WithSharedRateLimit(api), TestNodes.Append("two").WithSharedRateLimit(api), TestNodes.Append("three").WithSharedRateLimit(api))
            .Build();

        var run = await new FlowTester(flow).RunAsync(new Text("in"));

        Assert.Equal(RunStatus.Completed, run.Status);
        // Two per minute: one start every 30 seconds.
        var starts = run.Executions.Select(e => (e.StartedAt!.Value - run.StartedAt).TotalSeconds).Order().ToList();
        Assert.Equal([0, 30, 60], starts);
        Assert.Equal(TimeSpan.FromSeconds(60), run.Elapsed);
    }

    [Fact]
    public async Task A_retry_of_a_rate_limited_node_takes_a_new_slot()
    {
        var flow = TestNodes.Manual("limited-retry")
            .Then(TestNodes.Append("call").WithRateLimit(1, TimeSpan.FromMinutes(1)).WithRetry(TestNodes.Retry(2)))
            .Build();

        var run = await new FlowTester(flow).FailOn("call", 1, new InvalidOperationException("429")).RunAsync(new Text("in"));

        Assert.Equal(RunStatus.Completed, run.Status);
        // The retry is due after 1 s but its limiter's next slot is a minute after the first start.
        Assert.Equal(run.StartedAt.AddMinutes(1), run.ExecutionsOf("call")[1].StartedAt);
    }

    [Fact]
    public async Task Cancelling_stops_the_running_node_compensates_the_completed_ones_and_ends_Cancelled()
    {
        var flow = TestNodes.Manual("cancel")
            .Then(TestNodes.Append("reserve").OnError(TestNodes.Undo("reserve")))
            .Then(TestNodes.After("wait", "reserve").WithTimeout(TimeSpan.FromHours(1)))
            .Build();
        await using var run = await new FlowTester(flow)
            .Override("wait", async (Text input, NodeContext context) =>
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                return input;
            })
            .StartAsync(new Text("in"));
        Assert.Equal(["wait"], run.RunningNodes);

        await run.CancelAsync("customer changed their mind");
        await run.RunToEndAsync();

        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Equal(ErrorTypes.NodeCancelled, Assert.Single(run.ExecutionsOf("wait")).Error?.Type);
        Assert.Equal(["undo-reserve"], run.Compensations);
        Assert.Equal("customer changed their mind", Assert.Single(run.EventsOf<FlowRunCancelled>()).Reason);
        Assert.Equal(TimeSpan.Zero, run.Elapsed);
    }

    [Fact]
    public async Task Compensations_run_in_reverse_completion_order()
    {
        var flow = TestNodes.Manual("saga")
            .Then(TestNodes.Append("a").OnError(TestNodes.Undo("a")))
            .Then(TestNodes.After("b", "a").OnError(TestNodes.Undo("b")))
            .Then(TestNodes.After("c", "b").OnError(TestNodes.Undo("c")))
            .Then(TestNodes.After("d", "c"))
            .Build();

        var run = await new FlowTester(flow).FailAlways("d", new NonRetryableException("rejected")).RunAsync(new Text("in"));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(["a", "b", "c"], run.CompletionOrder);
        Assert.Equal(["undo-c", "undo-b", "undo-a"], run.Compensations);
        Assert.Equal(["undo-c", "undo-b", "undo-a"], run.EventsOf<FlowRunCompensationStarted>().Select(e => e.CompensationNode));
        Assert.Single(run.ExecutionsOf("d"));
    }

    [Fact]
    public async Task A_node_that_blocks_its_thread_fails_the_test_with_a_description_of_the_run()
    {
        using var release = new ManualResetEventSlim();
        var flow = TestNodes.Manual("blocked").Then(TestNodes.Append("blocker").WithTimeout(TimeSpan.FromSeconds(5))).Build();
        var tester = new FlowTester(flow, new FlowTesterOptions { Timeout = TimeSpan.FromSeconds(1) })
            .Override("blocker", (Text input, NodeContext context) =>
            {
                release.Wait(TimeSpan.FromSeconds(30));
                return Task.FromResult(input);
            });

        try
        {
            var error = await Assert.ThrowsAsync<TimeoutException>(() => tester.RunAsync(new Text("in")));

            Assert.Contains("FlowTesterOptions.Timeout", error.Message, StringComparison.Ordinal);
            Assert.Contains("'blocker' attempt 1", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            release.Set();
        }
    }
}
