using Resolute.Client;
using Resolute.Contracts;

namespace Resolute.Hosting.Tests.Client;

/// <summary>
/// What a client sees of runs, on an embedded host: pages of runs filtered by flow, status and time
/// (<see cref="IFlowClient.ListRunsAsync"/>), the registered flows with their plans (<see cref="IFlowClient.GetFlowsAsync"/>),
/// and a run followed event by event as it goes (<see cref="IFlowClient.WatchAsync"/>).
/// </summary>
[Trait("Area", "Cli")]
public sealed class RunObservationScenario : IDisposable
{
    private readonly string _database = SqliteFiles.NewPath();

    [Fact]
    public async Task Runs_are_listed_newest_first_by_flow_and_status_a_page_at_a_time()
    {
        var ok = Flow.Create("list-ok").TriggeredBy(Trigger.Manual())
            .Then(Node.Create<int, int>("echo", (v, _) => Task.FromResult(v))).Build();
        var bad = Flow.Create("list-bad").TriggeredBy(Trigger.Manual())
            .Then(Node.Create<int, int>("boom", (_, _) => throw new InvalidOperationException("boom")).WithRetry(new RetryPolicy { MaximumAttempts = 1 })).Build();
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(ok).AddFlow(bad));

        var okRuns = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            okRuns.Add(await host.Client.StartAsync("list-ok", i));
            await host.Client.WaitForCompletionAsync(okRuns[^1], TimeSpan.FromSeconds(30));
        }

        var badRun = await host.Client.StartAsync("list-bad", 1);
        await host.Client.WaitForCompletionAsync(badRun, TimeSpan.FromSeconds(30));

        var all = await host.Client.ListRunsAsync();
        Assert.Equal([badRun, .. Enumerable.Reverse(okRuns)], all.Runs.Select(r => r.RunId));
        Assert.Null(all.NextPageToken);

        var failed = await host.Client.ListRunsAsync(new FlowRunQuery { Statuses = [RunStatus.Failed] });
        var summary = Assert.Single(failed.Runs);
        Assert.Equal((badRun, "list-bad", RunStatus.Failed), (summary.RunId, summary.FlowName, summary.Status));
        Assert.Contains("boom", summary.ErrorSummary, StringComparison.Ordinal);

        var listed = new List<Guid>();
        var query = new FlowRunQuery { FlowName = "list-ok", Limit = 2 };
        var pages = 0;
        while (true)
        {
            var page = await host.Client.ListRunsAsync(query);
            listed.AddRange(page.Runs.Select(r => r.RunId));
            pages++;
            if (page.NextPageToken is null || pages > 5)
            {
                break;
            }

            query = new FlowRunQuery { FlowName = "list-ok", Limit = 2, PageToken = page.NextPageToken };
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(okRuns), listed);

        var since = (await host.Client.GetRunAsync(okRuns[3]))!.Snapshot.CreatedAt;
        var recent = await host.Client.ListRunsAsync(new FlowRunQuery { FlowName = "list-ok", Since = since });
        Assert.Equal([okRuns[4], okRuns[3]], recent.Runs.Select(r => r.RunId));

        // Requests the orchestrator cannot serve are refused with what to fix, not timed out.
        await Assert.ThrowsAsync<ArgumentException>(() => host.Client.ListRunsAsync(new FlowRunQuery { Limit = 0 }));
        var token = await Assert.ThrowsAsync<ArgumentException>(() => host.Client.ListRunsAsync(new FlowRunQuery { PageToken = "garbage" }));
        Assert.Contains("is not one a run listing returned", token.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_registered_flows_are_described_with_their_plans()
    {
        var undo = Node.Create<int, int>("undo-reserve", (v, _) => Task.FromResult(v));
        var flow = Flow.Create("describe-me").TriggeredBy(Trigger.Schedule("0 */4 * * *"))
            .Then(Node.Create<int, int>("reserve", (v, _) => Task.FromResult(v)).OnError(undo).WithTimeout(TimeSpan.FromSeconds(20)))
            .ThenParallel("fan", Node.Create<int, int>("left", (v, _) => Task.FromResult(v)).WithRateLimit(5, TimeSpan.FromMinutes(1)).WithTaskQueue("left-queue"),
                Node.Create<int, int>("right", (v, _) => Task.FromResult(v)).ContinueOnError().WithRetry(new RetryPolicy { MaximumAttempts = 7 }))
            .When(s => s.Get<int>("left") > 1).Then(Node.Create<int, int>("big", (v, _) => Task.FromResult(v))).EndWhen()
            .Build();
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flow, taskQueue: "main-queue"));

        var described = Assert.Single(await host.Client.GetFlowsAsync());
        Assert.Equal(("describe-me", flow.Version, "main-queue"), (described.Name, described.Version, described.TaskQueue));
        Assert.Contains("0 */4 * * *", Assert.Single(described.Triggers), StringComparison.Ordinal);
        Assert.Equal(flow.Plan.Describe(), described.Plan);
        Assert.Equal(["reserve", "fan", "when"], described.Steps.Select(s => s.Kind == FlowStepDescription.ConditionKind ? "when" : s.Name));
        var reserve = Assert.Single(described.Steps[0].Nodes);
        Assert.Equal(("undo-reserve", TimeSpan.FromSeconds(20), "main-queue"), (reserve.Compensation, reserve.Timeout, reserve.TaskQueue));
        Assert.Equal(FlowStepDescription.ParallelKind, described.Steps[1].Kind);
        var left = described.Steps[1].Nodes.Single(n => n.Name == "left");
        var right = described.Steps[1].Nodes.Single(n => n.Name == "right");
        Assert.Equal(("5/1m", "left-queue"), (left.RateLimit, left.TaskQueue));
        Assert.Equal((true, 7), (right.ContinueOnError, right.MaximumAttempts));
        Assert.Equal("big", Assert.Single(Assert.Single(described.Steps[2].Then).Nodes).Name);
    }

    [Fact]
    public async Task A_watch_follows_every_attempt_retries_and_compensations_and_ends_with_the_run()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var flaky = 0;
        var flow = Flow.Create("watched").TriggeredBy(Trigger.Manual())
            .Then(Node.Create<int, int>("gate", async (v, ctx) =>
            {
                await release.Task.WaitAsync(ctx.CancellationToken);
                return v;
            }).OnError(Node.Create<int, int>("undo-gate", (v, _) => Task.FromResult(v)).WithInput(s => s.Get<int>("gate"))))
            .ThenParallel("fan",
                Node.Create<int, int>("flaky", (v, _) => Interlocked.Increment(ref flaky) == 1 ? throw new TimeoutException("first try") : Task.FromResult(v))
                    .WithRetry(new RetryPolicy { MaximumAttempts = 3, InitialInterval = TimeSpan.FromMilliseconds(50) }),
                Node.Create<int, int>("steady", (v, _) => Task.FromResult(v)))
            .Then(Node.Create<int, int>("doomed", (_, _) => throw new InvalidOperationException("no")).WithRetry(new RetryPolicy { MaximumAttempts = 1 }))
            .Build();
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flow));

        var runId = await host.Client.StartAsync("watched", 1);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<FlowRunEvent>();
        await foreach (var item in host.Client.WatchAsync(runId, deadline.Token))
        {
            seen.Add(item);
            if (item.Kind == FlowRunEventKind.Snapshot)
            {
                // The watch is connected: let the run go on.
                release.TrySetResult();
            }
        }

        Assert.Equal(FlowRunEventKind.Snapshot, seen[0].Kind);
        Assert.Equal(FlowRunEventKind.RunFailed, seen[^1].Kind);
        Assert.Equal(RunStatus.Failed, seen[^1].Status);
        Assert.All(seen, e => Assert.Equal(runId, e.RunId));

        var final = (await host.Client.GetRunAsync(runId))!;
        // Every attempt the run dispatched after the watch began is seen started and ended under its execution id
        // (gate's may have been dispatched, and started, before the subscription; it is in the snapshot then).
        foreach (var attempt in final.History.Where(h => h.NodeName != "gate"))
        {
            var mine = seen.Where(e => e.ExecutionId == attempt.ExecutionId).Select(e => e.Kind).ToList();
            Assert.True(mine.Contains(FlowRunEventKind.NodeDispatched) && mine.Contains(FlowRunEventKind.NodeStarted),
                $"{attempt.NodeName} attempt {attempt.Attempt} ({attempt.Outcome}) was seen as: {string.Join(", ", mine)}");
            Assert.Contains(attempt.Outcome == NodeExecutionOutcome.Completed ? FlowRunEventKind.NodeCompleted : FlowRunEventKind.NodeFailed, mine);
        }

        Assert.Contains(seen, e => e.Kind == FlowRunEventKind.NodeFailed && e.NodeName == "flaky" && e.WillRetry);
        Assert.Contains(seen, e => e.Kind == FlowRunEventKind.RetryScheduled && e.NodeName == "flaky" && e.Attempt == 2);
        Assert.Contains(seen, e => e.Kind == FlowRunEventKind.NodeCompleted && e.NodeName == "flaky" && e.Attempt == 2);
        Assert.Contains(seen, e => e.Kind == FlowRunEventKind.NodeFailed && e.NodeName == "doomed" && !e.WillRetry && e.Error!.Message.Contains("no", StringComparison.Ordinal));
        Assert.Contains(seen, e => e.Kind == FlowRunEventKind.CompensationStarted && e.NodeName == "undo-gate" && e.ForNode == "gate");
        Assert.Contains(seen, e => e.Kind == FlowRunEventKind.CompensationCompleted && e.NodeName == "undo-gate");
        Assert.Contains(seen, e => e.Kind == FlowRunEventKind.NodeCompleted && e.NodeName == "undo-gate" && e.IsCompensation);

        // Watching a run that has ended yields its snapshot and ends.
        var again = new List<FlowRunEvent>();
        await foreach (var item in host.Client.WatchAsync(runId, deadline.Token))
        {
            again.Add(item);
        }

        var snapshot = Assert.Single(again);
        Assert.Equal((FlowRunEventKind.Snapshot, RunStatus.Failed), (snapshot.Kind, snapshot.Snapshot!.Status));
    }

    [Fact]
    public async Task A_watch_of_a_run_that_does_not_exist_yet_says_so_and_waits_for_its_events()
    {
        var flow = Flow.Create("later").TriggeredBy(Trigger.Manual())
            .Then(Node.Create<int, int>("echo", (v, _) => Task.FromResult(v))).Build();
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flow));
        var runId = Guid.NewGuid();

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<FlowRunEvent>();
        await foreach (var item in host.Client.WatchAsync(runId, deadline.Token))
        {
            seen.Add(item);
            if (item.Kind == FlowRunEventKind.Snapshot)
            {
                Assert.Null(item.Snapshot);
                await host.Client.StartAsync("later", 3, new StartFlowOptions { RunId = runId }, deadline.Token);
            }
        }

        Assert.Equal(
            [FlowRunEventKind.Snapshot, FlowRunEventKind.RunStarted, FlowRunEventKind.NodeCompleted, FlowRunEventKind.RunCompleted],
            seen.Select(e => e.Kind).Where(k => k is not (FlowRunEventKind.NodeDispatched or FlowRunEventKind.NodeStarted)));
    }

    public void Dispose() => SqliteFiles.Delete(_database);
}
