using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;
using Resolute.Contracts;

namespace Resolute.Orchestration.Schedules;

/// <summary>
/// Answers schedule requests on the orchestrator's query queue: pause and resume a flow's schedule (stored in the job
/// store, so every replica and every restart sees it) and list schedules with their next fire times.
/// </summary>
public sealed class FlowScheduleConsumer : IConsumer<PauseFlowSchedule>, IConsumer<ResumeFlowSchedule>, IConsumer<GetFlowSchedules>
{
    private readonly ISchedulerFactory _schedulers;
    private readonly FlowRegistry _registry;
    private readonly ScheduleOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<FlowScheduleConsumer> _logger;

    /// <summary>Created per message.</summary>
    public FlowScheduleConsumer([FromKeyedServices(ScheduleKeys.SchedulerName)] ISchedulerFactory schedulers, FlowRegistry registry, ScheduleOptions options, TimeProvider time, ILogger<FlowScheduleConsumer> logger)
    {
        _schedulers = schedulers;
        _registry = registry;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public Task Consume(ConsumeContext<PauseFlowSchedule> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var reason = context.Message.Reason;
        return ChangePauseAsync(context, context.Message.FlowName, "paused", async (scheduler, group, cancellationToken) =>
        {
            if (reason is null)
            {
                await scheduler.PauseTriggerGroups(group, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await scheduler.PauseTriggerGroupsWith(group, new PauseDetails { Reason = reason }, cancellationToken).ConfigureAwait(false);
            }
        });
    }

    /// <inheritdoc />
    public Task Consume(ConsumeContext<ResumeFlowSchedule> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ChangePauseAsync(context, context.Message.FlowName, "resumed",
            async (scheduler, group, cancellationToken) => await scheduler.ResumeTriggerGroups(group, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<GetFlowSchedules> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var count = Math.Clamp(context.Message.NextFireTimes, 1, 100);
        var scheduler = await _schedulers.GetScheduler(context.CancellationToken).ConfigureAwait(false);
        var schedules = FlowSchedule.From(_registry.Flows.Select(f => f.Flow), _options)
            .Where(s => context.Message.FlowName is null || s.FlowName == context.Message.FlowName)
            .OrderBy(s => s.FlowName, StringComparer.Ordinal);
        var list = new List<FlowScheduleStatus>();
        foreach (var schedule in schedules)
        {
            list.Add(await DescribeAsync(scheduler, schedule, count, context.CancellationToken).ConfigureAwait(false));
        }

        await context.RespondAsync(new FlowScheduleList { Schedules = list }).ConfigureAwait(false);
    }

    /// <summary>Pauses or resumes the flow's trigger group and answers with its status, or answers not found.</summary>
    private async Task ChangePauseAsync(ConsumeContext context, string flowName, string change, Func<IScheduler, GroupMatcher<TriggerKey>, CancellationToken, Task> apply)
    {
        if (Find(flowName) is not { } schedule)
        {
            await context.RespondAsync(new FlowScheduleNotFound { FlowName = flowName }).ConfigureAwait(false);
            return;
        }

        var scheduler = await _schedulers.GetScheduler(context.CancellationToken).ConfigureAwait(false);
        await apply(scheduler, GroupMatcher<TriggerKey>.GroupEquals(ScheduleKeys.TriggerGroup(flowName)), context.CancellationToken).ConfigureAwait(false);
        ScheduleLog.PauseChanged(_logger, flowName, change);
        await context.RespondAsync(await DescribeAsync(scheduler, schedule, 5, context.CancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private FlowSchedule? Find(string flowName) =>
        _registry.TryGet(flowName, out var flow) ? FlowSchedule.From([flow.Flow], _options).SingleOrDefault() : null;

    private async Task<FlowScheduleStatus> DescribeAsync(IScheduler scheduler, FlowSchedule schedule, int count, CancellationToken cancellationToken) => new()
    {
        FlowName = schedule.FlowName,
        Paused = await scheduler.IsTriggerGroupPaused(ScheduleKeys.TriggerGroup(schedule.FlowName), cancellationToken).ConfigureAwait(false),
        HasBufferedTick = await scheduler.Exists(ScheduleKeys.BufferedTrigger(schedule.FlowName), cancellationToken).ConfigureAwait(false),
        NextFireTimes = schedule.NextFireTimes(_time.GetUtcNow(), count),
        Triggers = schedule.Triggers.Select(t => new ScheduleTriggerInfo
        {
            Cron = t.Trigger.Cron,
            QuartzCron = t.QuartzCron,
            TimeZone = t.Trigger.TimeZone.Id,
            Overlap = t.Trigger.Overlap.ToString(),
            Misfire = t.Trigger.Misfire.ToString(),
            MisfireThreshold = t.MisfireThreshold,
        }).ToList(),
    };
}
