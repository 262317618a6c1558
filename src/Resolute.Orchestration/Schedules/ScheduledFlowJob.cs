using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Resolute.Orchestration.Schedules;

/// <summary>
/// The Quartz job of one flow's schedule: a tick applies the overlap policy and publishes the tick's <c>StartFlow</c>,
/// whose run id derives from the flow and the <em>scheduled</em> fire time (so a tick fired twice starts one run). Quartz
/// runs it clustered: one orchestrator fires each tick. Not concurrent per flow, and its job data (the last tick started)
/// is saved after each execution.
/// </summary>
[DisallowConcurrentExecution]
[PersistJobDataAfterExecution]
public sealed class ScheduledFlowJob : IJob
{
    private readonly IServiceScopeFactory _scopes;
    private readonly IScheduledRunStarter _starter;
    private readonly ScheduleOptions _options;
    private readonly ScheduleMetrics _metrics;
    private readonly RecentScheduledStarts _recent;
    private readonly TimeProvider _time;
    private readonly ILogger<ScheduledFlowJob> _logger;

    /// <summary>Created by Quartz per execution.</summary>
    public ScheduledFlowJob(IServiceScopeFactory scopes, IScheduledRunStarter starter, ScheduleOptions options, ScheduleMetrics metrics, RecentScheduledStarts recent, TimeProvider time, ILogger<ScheduledFlowJob> logger)
    {
        _recent = recent;
        _scopes = scopes;
        _starter = starter;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var flowName = context.JobDetail.JobDataMap.GetString(ScheduleKeys.FlowName) ?? context.JobDetail.Key.Name;
        var isBufferedTick = context.Trigger.Key.Name == ScheduleKeys.BufferedTriggerName;
        var tick = isBufferedTick
            ? DateTimeOffset.Parse(context.Trigger.JobDataMap.GetString(ScheduleKeys.BufferedTick)!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : RegularTick(context, _options.MisfireThreshold);
        var overlap = isBufferedTick
            ? ScheduleOverlap.BufferOne
            : Enum.TryParse<ScheduleOverlap>(context.Trigger.JobDataMap.GetString(ScheduleKeys.Overlap), out var policy) ? policy : ScheduleOverlap.Skip;

        try
        {
            await ExecuteTickAsync(context, flowName, tick, overlap, isBufferedTick, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The database or the broker is unreachable: this tick is lost (Quartz does not fire it again), loudly.
            ScheduleLog.TickFailed(_logger, e, flowName, tick);
            throw new JobExecutionException($"Schedule of flow {flowName}: tick {tick:O} failed.", e);
        }
    }

    private async Task ExecuteTickAsync(IJobExecutionContext context, string flowName, DateTimeOffset tick, ScheduleOverlap overlap, bool isBufferedTick, CancellationToken cancellationToken)
    {
        var jobData = context.JobDetail.JobDataMap;
        var running = false;
        if (overlap != ScheduleOverlap.Allow)
        {
            var last = _recent.Latest(flowName, LastStart(jobData));
            ScheduledRunActivity activity;
            using (var scope = _scopes.CreateScope())
            {
                activity = await scope.ServiceProvider.GetRequiredService<IScheduledRunSource>()
                    .GetActivityAsync(flowName, last?.RunId, cancellationToken).ConfigureAwait(false);
            }

            running = OverlapPolicy.PreviousRunIsRunning(activity, last, _time.GetUtcNow(), _options.PendingStartWindow);
        }

        var bufferTaken = !isBufferedTick && overlap == ScheduleOverlap.BufferOne && running
            && await context.Scheduler.Exists(ScheduleKeys.BufferedTrigger(flowName), cancellationToken).ConfigureAwait(false);
        switch (OverlapPolicy.Decide(overlap, running, bufferTaken))
        {
            case TickDecision.Start:
                await StartAsync(context, flowName, tick, cancellationToken).ConfigureAwait(false);
                if (isBufferedTick)
                {
                    await context.Scheduler.UnscheduleJob(context.Trigger.Key, cancellationToken).ConfigureAwait(false);
                }

                break;

            case TickDecision.Buffer when isBufferedTick:
                // The buffered tick's own re-check: the previous run is still running; look again at the next re-check.
                break;

            case TickDecision.Buffer:
                await BufferAsync(context, flowName, tick, cancellationToken).ConfigureAwait(false);
                break;

            default:
                _metrics.TickSkipped(flowName);
                ScheduleLog.TickSkipped(_logger, flowName, tick, bufferTaken
                    ? "the previous scheduled run is still running and a tick is already buffered"
                    : "the previous scheduled run is still running (overlap policy Skip)");
                break;
        }
    }

    // The scheduled fire time of a regular tick. One exception: Quartz 4.7.3 reports the first fire after a misfire handled
    // with DoNothing (our Skip) with the first MISSED time as its scheduled time, although it fires the next regular tick.
    // Under DoNothing a fire later than the threshold cannot be anything else (a late tick is skipped, not fired), so
    // that fire is keyed by its regular tick: the latest cron time at or before the fire.
    private static DateTimeOffset RegularTick(IJobExecutionContext context, TimeSpan defaultThreshold)
    {
        var scheduled = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        if (context.Trigger is ICronTrigger { MisfireInstruction: CronTriggerMisfireInstruction.DoNothing, CronExpressionString: { } expression } cron
            && context.FireTimeUtc - scheduled > (cron.MisfireThreshold ?? defaultThreshold)
            && new Quartz.CronExpression(expression).WithTimeZone(cron.TimeZone).GetPreviousValidTimeBefore(context.FireTimeUtc.AddMilliseconds(1)) is { } regular
            && regular > scheduled)
        {
            return regular;
        }

        return scheduled;
    }

    private static LastScheduledStart? LastStart(JobDataMap data) =>
        Guid.TryParse(data.GetString(ScheduleKeys.LastRunId), out var runId)
        && DateTimeOffset.TryParse(data.GetString(ScheduleKeys.LastStartedAt), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var startedAt)
            ? new LastScheduledStart(runId, startedAt)
            : null;

    private async Task StartAsync(IJobExecutionContext context, string flowName, DateTimeOffset tick, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var start = ScheduledRuns.Start(flowName, tick, now);
        await _starter.StartAsync(start, cancellationToken).ConfigureAwait(false);

        // Saved with the job after this execution (PersistJobDataAfterExecution).
        context.JobDetail.JobDataMap[ScheduleKeys.LastRunId] = start.RunId.ToString();
        context.JobDetail.JobDataMap[ScheduleKeys.LastStartedAt] = now.ToString("O", CultureInfo.InvariantCulture);
        _recent.Record(flowName, new LastScheduledStart(start.RunId, now));
        _metrics.TickStarted(flowName);
        ScheduleLog.TickStarted(_logger, flowName, tick, start.RunId);
    }

    private async Task BufferAsync(IJobExecutionContext context, string flowName, DateTimeOffset tick, CancellationToken cancellationToken)
    {
        var trigger = TriggerBuilder.Create()
            .WithIdentity(ScheduleKeys.BufferedTrigger(flowName))
            .ForJob(context.JobDetail.Key)
            .UsingJobData(ScheduleKeys.BufferedTick, tick.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture))
            .StartAt(_time.GetUtcNow() + _options.BufferedTickRecheckInterval)
            .WithSimpleSchedule(s => s.WithInterval(_options.BufferedTickRecheckInterval).RepeatForever())
            .Build();
        // In the flow's trigger group: paused with it when the schedule is paused.
        await context.Scheduler.ScheduleJob(trigger, cancellationToken: cancellationToken).ConfigureAwait(false);
        _metrics.TickBuffered(flowName);
        ScheduleLog.TickBuffered(_logger, flowName, tick);
    }
}
