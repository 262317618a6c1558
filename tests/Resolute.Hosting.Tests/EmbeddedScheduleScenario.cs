using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Orchestration.Schedules;

namespace Resolute.Hosting.Tests;

/// <summary>
/// Schedules in the embedded mode: Quartz unclustered on the same SQLite file as the saga (they must not lock each
/// other out), one run per tick, BufferOne holding a tick until the previous run ended, and a pause that outlives a
/// restart.
/// </summary>
[Trait("Area", "Triggers")]
public sealed class EmbeddedScheduleScenario : IDisposable
{
    private readonly string _database = SqliteFiles.NewPath();
    private readonly ConcurrentQueue<Execution> _executions = new();

    [Fact]
    public async Task Every_second_schedule_starts_one_run_per_tick_with_the_run_id_derived_from_the_tick()
    {
        var flow = Flow.Create("embedded-tick").TriggeredBy(Trigger.Schedule("* * * * * *")).Then(RecordingNode("tick", TimeSpan.Zero)).Build();
        var from = DateTimeOffset.UtcNow;
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flow));

        await WaitUntilAsync(() => _executions.Count >= 3, "three scheduled runs", TimeSpan.FromSeconds(20));

        var ticks = TicksOf("embedded-tick", from);
        var runs = _executions.Select(e => e.RunId).Distinct().ToList();
        Assert.Equal(_executions.Count, runs.Count);
        Assert.All(runs, id => Assert.True(ticks.ContainsKey(id), $"run {id} is not the run of a whole-second tick of the schedule"));
        Assert.True(host.Services.GetRequiredService<ScheduleMetrics>().Started >= 3);
        Assert.Equal(0, host.Services.GetRequiredService<ScheduleMetrics>().Skipped);
    }

    [Fact]
    public async Task BufferOne_holds_a_tick_while_the_previous_run_runs_and_starts_it_after_without_overlap()
    {
        var flow = Flow.Create("embedded-buffered")
            .TriggeredBy(Trigger.Schedule("* * * * * *").WithOverlap(ScheduleOverlap.BufferOne))
            .Then(RecordingNode("slow", TimeSpan.FromSeconds(2.5)))
            .Build();
        var from = DateTimeOffset.UtcNow;
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flow).ConfigureSchedules(s => s.BufferedTickRecheckInterval = TimeSpan.FromMilliseconds(200)));

        await WaitUntilAsync(() => _executions.Count(e => e.EndedAt is not null) >= 3, "three scheduled runs ended", TimeSpan.FromSeconds(30));

        var ticks = TicksOf("embedded-buffered", from);
        var executions = _executions.Where(e => e.EndedAt is not null).OrderBy(e => e.StartedAt).ToList();
        foreach (var (previous, next) in executions.Zip(executions.Skip(1)))
        {
            Assert.True(next.StartedAt >= previous.EndedAt, "scheduled runs overlapped");
        }

        // A held tick starts late (its run id is still its own tick's) and soon after the previous run ended.
        var held = executions.Skip(1).Where(e => e.StartedAt - ticks[e.RunId] > TimeSpan.FromSeconds(1)).ToList();
        Assert.NotEmpty(held);
        var metrics = host.Services.GetRequiredService<ScheduleMetrics>();
        Assert.True(metrics.Buffered >= 1, "no tick was buffered");
        Assert.True(metrics.Skipped >= 1, "with one tick held, a further tick during the run must be skipped");
    }

    [Fact]
    public async Task A_paused_schedule_stays_paused_across_a_restart_and_fires_again_when_resumed()
    {
        var flow = Flow.Create("embedded-paused").TriggeredBy(Trigger.Schedule("* * * * * *")).Then(RecordingNode("tick", TimeSpan.Zero)).Build();

        // The in-memory transport loses a StartFlow published just before the host stops; its run row never appears, and
        // the overlap policy counts it as running for PendingStartWindow (default 1 min). Short here: this test is about
        // the pause.
        void Configure(ResoluteConfigurator r) => r.AddFlow(flow).ConfigureSchedules(s => s.PendingStartWindow = TimeSpan.FromSeconds(2));
        await using (var before = await EmbeddedHost.StartAsync(_database, Configure))
        {
            await WaitUntilAsync(() => !_executions.IsEmpty, "a first scheduled run", TimeSpan.FromSeconds(20));
            var paused = await before.Client.PauseScheduleAsync("embedded-paused", "maintenance");
            Assert.True(paused.Paused);
        }

        await using var after = await EmbeddedHost.StartAsync(_database, Configure);
        var listed = Assert.Single(await after.Client.GetSchedulesAsync(nextFireTimes: 4));
        Assert.Equal("embedded-paused", listed.FlowName);
        Assert.True(listed.Paused);
        Assert.Equal("* * * * * *", Assert.Single(listed.Triggers).Cron);
        Assert.Equal(4, listed.NextFireTimes.Count);
        Assert.All(listed.NextFireTimes.Zip(listed.NextFireTimes.Skip(1)), p => Assert.Equal(TimeSpan.FromSeconds(1), p.Second - p.First));

        // Three ticks pass while paused: nothing runs.
        var count = _executions.Count;
        var quiet = Stopwatch.StartNew();
        while (quiet.Elapsed < TimeSpan.FromSeconds(3))
        {
            Assert.Equal(count, _executions.Count);
            await Task.Delay(100);
        }

        var resumed = await after.Client.ResumeScheduleAsync("embedded-paused");
        Assert.False(resumed.Paused);
        await WaitUntilAsync(() => _executions.Count >= count + 2, "runs after resuming", TimeSpan.FromSeconds(20));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => after.Client.PauseScheduleAsync("no-such-flow"));
    }

    [Theory]
    [InlineData(ScheduleMisfire.FireOnceOnRecovery, 1)]
    [InlineData(ScheduleMisfire.Skip, 0)]
    public async Task Ticks_missed_while_the_process_was_down_follow_the_misfire_policy(ScheduleMisfire misfire, int catchUpRuns)
    {
        var name = $"embedded-misfire-{misfire}".ToLowerInvariant();
        var flow = Flow.Create(name)
            .TriggeredBy(Trigger.Schedule("* * * * * *").WithMisfire(misfire).WithMisfireThreshold(TimeSpan.FromMilliseconds(500)).WithOverlap(ScheduleOverlap.Allow))
            .Then(RecordingNode("tick", TimeSpan.Zero))
            .Build();
        var from = DateTimeOffset.UtcNow;
        DateTimeOffset stoppedAt;
        await using (var before = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flow)))
        {
            await WaitUntilAsync(() => _executions.Count >= 2, "two scheduled runs", TimeSpan.FromSeconds(20));
        }

        stoppedAt = DateTimeOffset.UtcNow;
        var ticks = TicksOf(name, from);
        var lastBefore = _executions.Max(e => ticks[e.RunId]);

        // Three ticks pass with no process running.
        var down = Stopwatch.StartNew();
        while (down.Elapsed < TimeSpan.FromSeconds(3.5))
        {
            await Task.Delay(100);
        }

        var restarting = DateTimeOffset.UtcNow;
        await using var after = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flow));
        await WaitUntilAsync(() => _executions.Any(e => ticks[e.RunId] > restarting.AddSeconds(1)), "a regular tick after the restart", TimeSpan.FromSeconds(20));

        // Ticks that fell entirely inside the outage: after the last tick run before it, before the restart began.
        var missed = Enumerable.Range(1, 20).Select(i => lastBefore.AddSeconds(i)).Where(t => t < restarting.AddSeconds(-0.5)).ToList();
        Assert.True(missed.Count >= 3, $"only {missed.Count} ticks fell into the outage");
        var runsForMissed = _executions.Where(e => missed.Contains(ticks[e.RunId])).ToList();
        Assert.True(catchUpRuns == runsForMissed.Count,
            $"{runsForMissed.Count} run(s) for the {missed.Count} missed ticks {string.Join(", ", missed.Select(t => t.ToString("HH:mm:ss", null)))}; runs (tick/started): "
            + string.Join(", ", _executions.Select(e => $"{ticks[e.RunId]:HH:mm:ss}/{e.StartedAt:HH:mm:ss.fff}")) + $"; stopped {stoppedAt:HH:mm:ss.fff}, restarting {restarting:HH:mm:ss.fff}");
        if (catchUpRuns == 1)
        {
            // Keyed by one of the missed ticks (Quartz's recovery fires the trigger once; which missed tick keys it depends
            // on how far the scheduler had claimed the next tick when the process stopped), and run after the restart.
            Assert.Contains(ticks[runsForMissed[0].RunId], missed);
            Assert.True(runsForMissed[0].StartedAt >= restarting, "the catch-up ran before the restart");
        }

        Assert.True(stoppedAt < restarting);

        // Every run after the restart is keyed by a tick at or before its start, never by a missed one.
        Assert.All(_executions.Where(e => e.StartedAt >= restarting && !runsForMissed.Contains(e)), e => Assert.True(ticks[e.RunId] >= restarting.AddSeconds(-0.5) && ticks[e.RunId] <= e.StartedAt));
    }

    public void Dispose() => SqliteFiles.Delete(_database);

    // The tick of each run id a whole-second schedule of the flow can produce from `from` on.
    private static Dictionary<Guid, DateTimeOffset> TicksOf(string flowName, DateTimeOffset from)
    {
        var start = new DateTimeOffset(from.Year, from.Month, from.Day, from.Hour, from.Minute, from.Second, TimeSpan.Zero).AddSeconds(-1);
        return Enumerable.Range(0, 120).Select(i => start.AddSeconds(i)).ToDictionary(t => ScheduledRuns.RunId(flowName, t));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, $"{what} did not happen within {timeout.TotalSeconds:0} s");
            await Task.Delay(50);
        }
    }

    private Node<int, int> RecordingNode(string name, TimeSpan duration) =>
        Node.Create<int, int>(name, async (int value, NodeContext context) =>
        {
            var execution = new Execution(context.RunId, DateTimeOffset.UtcNow);
            _executions.Enqueue(execution);
            await Task.Delay(duration, context.CancellationToken);
            execution.EndedAt = DateTimeOffset.UtcNow;
            return value;
        }).WithInput(_ => 1);

    private sealed class Execution(Guid runId, DateTimeOffset startedAt)
    {
        public Guid RunId { get; } = runId;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public DateTimeOffset? EndedAt { get; set; }
    }
}
