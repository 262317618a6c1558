using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Quartz;
using Resolute.Orchestration.Schedules;

namespace Resolute.Orchestration.Tests.Schedules;

/// <summary>Reconciliation against Quartz's in-memory store (never started: nothing fires).</summary>
[Trait("Area", "Triggers")]
public sealed class FlowScheduleReconcilerTests : IAsyncLifetime
{
    private static readonly ScheduleOptions Options = new();
    private ServiceProvider _services = null!;
    private IScheduler _scheduler = null!;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s => s.InstanceName = "reconciler-test-" + Guid.NewGuid().ToString("N"));
            q.UseInMemoryStore();
        });
        _services = services.BuildServiceProvider();
        _scheduler = await _services.GetRequiredService<ISchedulerFactory>().GetScheduler();
    }

    public async Task DisposeAsync()
    {
        await _scheduler.Shutdown();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task First_reconciliation_adds_a_durable_job_and_one_cron_trigger_per_schedule_trigger()
    {
        var result = await ReconcileAsync(FlowWith(Trigger.Schedule("0 */4 * * *"), Trigger.Manual(), Trigger.Schedule("30 9 * * MON", "Europe/Berlin").WithMisfire(ScheduleMisfire.Skip)));

        Assert.Equal(["nightly"], result.Added);
        Assert.Equal([ScheduleKeys.CronTrigger("nightly", 1), ScheduleKeys.CronTrigger("nightly", 2)], result.TriggersReplaced);
        var job = await _scheduler.GetJobDetail(ScheduleKeys.Job("nightly"));
        Assert.NotNull(job);
        Assert.True(job.Durable);
        Assert.Equal(typeof(ScheduledFlowJob), job.JobType.Type);
        var first = Assert.IsAssignableFrom<ICronTrigger>(await _scheduler.GetTrigger(ScheduleKeys.CronTrigger("nightly", 1)));
        Assert.Equal("0 0 */4 * * ?", first.CronExpressionString);
        Assert.Equal(CronTriggerMisfireInstruction.FireAndProceed, first.MisfireInstruction);
        Assert.Equal(Options.MisfireThreshold, first.MisfireThreshold);
        Assert.Equal("Skip", first.JobDataMap.GetString(ScheduleKeys.Overlap));
        var second = Assert.IsAssignableFrom<ICronTrigger>(await _scheduler.GetTrigger(ScheduleKeys.CronTrigger("nightly", 2)));
        Assert.Equal("0 30 9 ? * MON", second.CronExpressionString);
        Assert.Equal("Europe/Berlin", second.TimeZone.Id);
        Assert.Equal(CronTriggerMisfireInstruction.DoNothing, second.MisfireInstruction);
    }

    [Fact]
    public async Task Reconciling_an_unchanged_schedule_leaves_its_trigger_alone()
    {
        var flow = FlowWith(Trigger.Schedule("*/5 * * * * *").WithOverlap(ScheduleOverlap.BufferOne).WithMisfireThreshold(TimeSpan.FromSeconds(2)));
        await ReconcileAsync(flow);
        var before = await _scheduler.GetTrigger(ScheduleKeys.CronTrigger("nightly", 1));

        var result = await ReconcileAsync(flow);

        Assert.Empty(result.Added);
        Assert.Empty(result.TriggersReplaced);
        Assert.Empty(result.TriggersRemoved);
        Assert.Empty(result.Removed);
        var after = await _scheduler.GetTrigger(ScheduleKeys.CronTrigger("nightly", 1));
        Assert.Equal(before!.StartTimeUtc, after!.StartTimeUtc);
        Assert.Equal(before.NextFireTimeUtc, after.NextFireTimeUtc);
    }

    [Theory]
    [InlineData("0 */2 * * *", null, ScheduleOverlap.Skip, ScheduleMisfire.FireOnceOnRecovery)]
    [InlineData("0 */4 * * *", "Europe/Berlin", ScheduleOverlap.Skip, ScheduleMisfire.FireOnceOnRecovery)]
    [InlineData("0 */4 * * *", null, ScheduleOverlap.Allow, ScheduleMisfire.FireOnceOnRecovery)]
    [InlineData("0 */4 * * *", null, ScheduleOverlap.Skip, ScheduleMisfire.Skip)]
    public async Task A_changed_cron_zone_or_policy_replaces_the_trigger(string cron, string? zone, ScheduleOverlap overlap, ScheduleMisfire misfire)
    {
        await ReconcileAsync(FlowWith(Trigger.Schedule("0 */4 * * *")));

        var result = await ReconcileAsync(FlowWith(Trigger.Schedule(cron, zone).WithOverlap(overlap).WithMisfire(misfire)));

        Assert.Equal([ScheduleKeys.CronTrigger("nightly", 1)], result.TriggersReplaced);
        var trigger = Assert.IsAssignableFrom<ICronTrigger>(await _scheduler.GetTrigger(ScheduleKeys.CronTrigger("nightly", 1)));
        Assert.Equal(Scheduling.CronExpression.Parse(cron).QuartzExpression, trigger.CronExpressionString);
        Assert.Equal(overlap.ToString(), trigger.JobDataMap.GetString(ScheduleKeys.Overlap));
        Assert.Single(await _scheduler.GetTriggersOfJob(ScheduleKeys.Job("nightly")));
    }

    [Fact]
    public async Task A_removed_schedule_trigger_is_unscheduled_and_the_rest_kept()
    {
        await ReconcileAsync(FlowWith(Trigger.Schedule("0 */4 * * *"), Trigger.Schedule("0 12 * * *")));

        var result = await ReconcileAsync(FlowWith(Trigger.Schedule("0 */4 * * *")));

        Assert.Equal([ScheduleKeys.CronTrigger("nightly", 2)], result.TriggersRemoved);
        Assert.Equal([ScheduleKeys.CronTrigger("nightly", 1)], (await _scheduler.GetTriggersOfJob(ScheduleKeys.Job("nightly"))).Select(t => t.Key));
    }

    [Fact]
    public async Task A_flow_without_a_schedule_or_no_longer_registered_loses_its_job_and_triggers()
    {
        await ReconcileAsync(FlowWith(Trigger.Schedule("0 */4 * * *")), FlowWith(Trigger.Schedule("0 1 * * *"), "other"));

        var result = await ReconcileAsync(FlowWith(Trigger.Manual()));

        Assert.Equal(["nightly", "other"], result.Removed.Order(StringComparer.Ordinal));
        Assert.False(await _scheduler.Exists(ScheduleKeys.Job("nightly")));
        Assert.False(await _scheduler.Exists(ScheduleKeys.Job("other")));
        Assert.False(await _scheduler.Exists(ScheduleKeys.CronTrigger("nightly", 1)));
    }

    [Fact]
    public async Task Jobs_outside_our_group_are_left_alone()
    {
        var foreign = JobBuilder.Create<ScheduledFlowJob>().WithIdentity("someone-elses", "their-group").StoreDurably().Build();
        await _scheduler.AddJob(foreign);

        await ReconcileAsync();

        Assert.True(await _scheduler.Exists(foreign.Key));
    }

    [Fact]
    public async Task A_paused_schedule_stays_paused_when_its_cron_changes()
    {
        await ReconcileAsync(FlowWith(Trigger.Schedule("0 */4 * * *")));
        await _scheduler.PauseTriggerGroups(GroupMatcher<TriggerKey>.GroupEquals(ScheduleKeys.TriggerGroup("nightly")));

        await ReconcileAsync(FlowWith(Trigger.Schedule("0 */2 * * *")));

        Assert.Equal(TriggerState.Paused, await _scheduler.GetTriggerState(ScheduleKeys.CronTrigger("nightly", 1)));
        Assert.True(await _scheduler.IsTriggerGroupPaused(ScheduleKeys.TriggerGroup("nightly")));
    }

    [Fact]
    public async Task Removing_a_schedule_forgets_its_pause()
    {
        await ReconcileAsync(FlowWith(Trigger.Schedule("0 */4 * * *")));
        await _scheduler.PauseTriggerGroups(GroupMatcher<TriggerKey>.GroupEquals(ScheduleKeys.TriggerGroup("nightly")));

        await ReconcileAsync();
        await ReconcileAsync(FlowWith(Trigger.Schedule("0 */4 * * *")));

        Assert.Equal(TriggerState.Normal, await _scheduler.GetTriggerState(ScheduleKeys.CronTrigger("nightly", 1)));
    }

    [Fact]
    public void Next_fire_times_merge_the_triggers_and_count_a_shared_time_once()
    {
        var schedule = Assert.Single(FlowSchedule.From([FlowWith(Trigger.Schedule("0 */6 * * *"), Trigger.Schedule("0 */4 * * *"))], Options));

        var times = schedule.NextFireTimes(new DateTimeOffset(2026, 12, 2, 0, 30, 0, TimeSpan.Zero), 5);

        Assert.Equal([4, 6, 8, 12, 16], times.Select(t => t.Hour));
    }

    private static Flow FlowWith(Trigger first, string name = "nightly") => FlowWith(first, null, null, name);

    private static Flow FlowWith(Trigger first, Trigger? second, string name = "nightly") => FlowWith(first, second, null, name);

    private static Flow FlowWith(Trigger first, Trigger? second, Trigger? third, string name = "nightly")
    {
        var builder = Flow.Create(name).TriggeredBy(first);
        foreach (var trigger in new[] { second, third }.OfType<Trigger>())
        {
            builder = builder.TriggeredBy(trigger);
        }

        return builder.Then(Node.Create<int, int>("a", (int i, NodeContext _) => Task.FromResult(i))).Build();
    }

    private Task<ScheduleReconciliation> ReconcileAsync(params Flow[] flows) =>
        FlowScheduleReconciler.ReconcileAsync(_scheduler, FlowSchedule.From(flows, Options), CancellationToken.None);
}
