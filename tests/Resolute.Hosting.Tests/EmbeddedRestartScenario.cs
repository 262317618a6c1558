using Resolute.Contracts;

namespace Resolute.Hosting.Tests;

/// <summary>
/// The embedded mode keeps runs and their timers in the SQLite file: a process restart loses the in-memory
/// transport's messages, and the stored deadlines and back-off timers bring the run back.
/// </summary>
public sealed class EmbeddedRestartScenario : IDisposable
{
    private readonly string _database = SqliteFiles.NewPath();

    [Fact]
    [Trait("Area", "Durability")]
    public async Task A_run_whose_node_was_running_when_the_process_stopped_completes_after_a_restart()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = 0;
        var slow = Node.Create<int, int>("slow", async (value, context) =>
            {
                Interlocked.Increment(ref attempts);
                started.TrySetResult();
                await Task.Delay(TimeSpan.FromSeconds(30), context.CancellationToken);
                return value;
            })
            .WithTimeout(TimeSpan.FromSeconds(1));
        var flowBefore = Flow.Create("restartable").TriggeredBy(Trigger.Manual()).Then(slow).Build();

        Guid runId;
        await using (var before = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flowBefore).ConfigureOrchestrator(o => o.DeadlineGrace = TimeSpan.FromSeconds(1))))
        {
            runId = await before.Client.StartAsync("restartable", 7);
            await started.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }

        // Same flow name, version and shape after the restart, but the node now answers at once.
        var fast = Node.Create<int, int>("slow", (value, _) => Task.FromResult(value * 6)).WithTimeout(TimeSpan.FromSeconds(1));
        var flowAfter = Flow.Create("restartable").TriggeredBy(Trigger.Manual()).Then(fast).Build();
        Assert.Equal(flowBefore.Version, flowAfter.Version);

        await using var after = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flowAfter).ConfigureOrchestrator(o => o.DeadlineGrace = TimeSpan.FromSeconds(1)));
        var run = await after.Client.WaitForCompletionAsync(runId, TimeSpan.FromSeconds(30));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(42, run.State.Get<int>("slow"));
        Assert.Equal(1, attempts);
        var history = run.History.Where(h => h.NodeName == "slow").ToList();
        Assert.Equal(NodeExecutionOutcome.Completed, history[^1].Outcome);
        Assert.True(history.Count >= 2, "the lost attempt is recorded as failed, then retried");
        Assert.Contains(history, h => h.Outcome == NodeExecutionOutcome.Failed);
    }

    [Fact]
    [Trait("Area", "Failures")]
    public async Task A_retry_back_off_survives_a_restart_of_the_embedded_process()
    {
        var failures = 0;
        var flaky = Node.Create<int, int>("flaky", (value, _) =>
            {
                Interlocked.Increment(ref failures);
                throw new InvalidOperationException("first attempt fails");
            })
            .WithRetry(new RetryPolicy { InitialInterval = TimeSpan.FromSeconds(3), MaximumAttempts = 2 });
        var flowBefore = Flow.Create("backoff").TriggeredBy(Trigger.Manual()).Then(flaky).Build();

        Guid runId;
        await using (var before = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flowBefore)))
        {
            runId = await before.Client.StartAsync("backoff", 1);
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (true)
            {
                var run = await before.Client.GetRunAsync(runId);
                if (run?.History.Any(h => h.Outcome == NodeExecutionOutcome.RetryScheduled) == true)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, "no retry was scheduled within 20 s");
                await Task.Delay(50);
            }
        }

        var succeeds = Node.Create<int, int>("flaky", (value, _) => Task.FromResult(value + 99))
            .WithRetry(new RetryPolicy { InitialInterval = TimeSpan.FromSeconds(3), MaximumAttempts = 2 });
        var flowAfter = Flow.Create("backoff").TriggeredBy(Trigger.Manual()).Then(succeeds).Build();
        await using var after = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flowAfter));
        var afterReady = DateTimeOffset.UtcNow;
        var done = await after.Client.WaitForCompletionAsync(runId, TimeSpan.FromSeconds(30));

        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Equal(100, done.State.Get<int>("flaky"));
        Assert.Equal(1, failures);
        var attempts = done.History.Where(h => h.NodeName == "flaky").ToList();
        Assert.Equal([1, 2], attempts.Select(a => a.Attempt));
        var waited = attempts[1].StartedAt!.Value - attempts[0].EndedAt!.Value;
        Assert.True(waited.TotalSeconds >= 3 * 0.8, $"the retry started {waited.TotalSeconds:0.00} s after the failure; the back-off is 3 s");

        // On time: at its due time, or — when the new host came up after it (a slow start on a loaded machine) — right
        // after the start, not a safety poll later. Measured from the later of the two, so load cannot fail the test.
        var due = attempts[0].EndedAt!.Value + TimeSpan.FromSeconds(3 * 1.2);
        var late = attempts[1].StartedAt!.Value - (afterReady > due ? afterReady : due);
        Assert.True(late <= TimeSpan.FromSeconds(1), $"the retry started {late.TotalSeconds:0.00} s after it was due and the host was up");
    }

    public void Dispose() => SqliteFiles.Delete(_database);
}
