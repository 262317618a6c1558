using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Resolute.Orchestration.Schedules;

/// <summary>What a reconciliation changed, flow by flow.</summary>
/// <param name="Added">Flows whose schedule job was created.</param>
/// <param name="TriggersReplaced">Cron triggers created or replaced because they were missing or differed.</param>
/// <param name="TriggersRemoved">Cron triggers removed because their schedule trigger is gone.</param>
/// <param name="Removed">Flows whose schedule job (and triggers) was deleted: no registered flow schedules them now.</param>
public sealed record ScheduleReconciliation(
    IReadOnlyList<string> Added,
    IReadOnlyList<TriggerKey> TriggersReplaced,
    IReadOnlyList<TriggerKey> TriggersRemoved,
    IReadOnlyList<string> Removed);

/// <summary>
/// At orchestrator start, makes Quartz's stored schedules match the registered flows: a missing job or trigger is added,
/// a trigger whose cron, time zone or policies changed is replaced (a trigger that did not change is left alone, so its
/// next fire time and claim are undisturbed), a trigger whose schedule is gone is removed, and the job of a flow that no
/// longer has a schedule (or is no longer registered) is deleted. Pauses are kept: they are recorded on the flow's
/// trigger group, and a replaced trigger is stored into the paused group, paused. Replicas may reconcile at the same
/// time; the last one to start wins if their definitions differ.
/// </summary>
public sealed class FlowScheduleReconciler : IHostedService
{
    private readonly ISchedulerFactory _schedulers;
    private readonly FlowRegistry _registry;
    private readonly ScheduleOptions _options;
    private readonly ILogger<FlowScheduleReconciler> _logger;

    /// <summary>Creates the reconciler.</summary>
    public FlowScheduleReconciler([FromKeyedServices(ScheduleKeys.SchedulerName)] ISchedulerFactory schedulers, FlowRegistry registry, ScheduleOptions options, ILogger<FlowScheduleReconciler> logger)
    {
        _schedulers = schedulers;
        _registry = registry;
        _options = options;
        _logger = logger;
    }

    /// <summary>Reconciles <paramref name="scheduler"/> with <paramref name="schedules"/>.</summary>
    public static async Task<ScheduleReconciliation> ReconcileAsync(IScheduler scheduler, IReadOnlyList<FlowSchedule> schedules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(schedules);
        var added = new List<string>();
        var replaced = new List<TriggerKey>();
        var removedTriggers = new List<TriggerKey>();
        var removed = new List<string>();
        var wanted = schedules.ToDictionary(s => s.FlowName, StringComparer.Ordinal);

        foreach (var jobKey in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(ScheduleKeys.JobGroup), cancellationToken).ConfigureAwait(false))
        {
            if (!wanted.ContainsKey(jobKey.Name))
            {
                await scheduler.DeleteJob(jobKey, cancellationToken).ConfigureAwait(false);

                // Forget a pause of the removed schedule: a schedule added again later starts unpaused.
                await scheduler.ResumeTriggerGroups(GroupMatcher<TriggerKey>.GroupEquals(ScheduleKeys.TriggerGroup(jobKey.Name)), cancellationToken).ConfigureAwait(false);
                removed.Add(jobKey.Name);
            }
        }

        foreach (var schedule in schedules)
        {
            var jobKey = ScheduleKeys.Job(schedule.FlowName);
            if (!await scheduler.Exists(jobKey, cancellationToken).ConfigureAwait(false))
            {
                var job = JobBuilder.Create<ScheduledFlowJob>()
                    .WithIdentity(jobKey)
                    .WithDescription($"Starts runs of flow '{schedule.FlowName}' on its schedule.")
                    .UsingJobData(ScheduleKeys.FlowName, schedule.FlowName)
                    .StoreDurably()
                    .Build();
                try
                {
                    await scheduler.AddJob(job, cancellationToken: cancellationToken).ConfigureAwait(false);
                    added.Add(schedule.FlowName);
                }
                catch (ObjectAlreadyExistsException)
                {
                    // Another replica added it at the same moment.
                }
            }

            var stored = await scheduler.GetTriggersOfJob(jobKey, cancellationToken).ConfigureAwait(false);
            var wantedKeys = schedule.Triggers.Select(t => t.Key).ToHashSet();
            foreach (var trigger in stored)
            {
                if (trigger.Key.Name != ScheduleKeys.BufferedTriggerName && !wantedKeys.Contains(trigger.Key))
                {
                    await scheduler.UnscheduleJob(trigger.Key, cancellationToken).ConfigureAwait(false);
                    removedTriggers.Add(trigger.Key);
                }
            }

            foreach (var definition in schedule.Triggers)
            {
                if (stored.FirstOrDefault(t => t.Key.Equals(definition.Key)) is { } current && definition.IsSameAs(current))
                {
                    continue;
                }

                await scheduler.ScheduleJob(definition.Build(jobKey), new ScheduleJobOptions { Replace = true }, cancellationToken).ConfigureAwait(false);
                replaced.Add(definition.Key);
            }
        }

        return new ScheduleReconciliation(added, replaced, removedTriggers, removed);
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await _schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        var schedules = FlowSchedule.From(_registry.Flows.Select(f => f.Flow), _options);
        var result = await ReconcileAsync(scheduler, schedules, cancellationToken).ConfigureAwait(false);
        foreach (var (flow, change) in Describe(result, schedules))
        {
            ScheduleLog.Reconciled(_logger, flow, change);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static IEnumerable<(string Flow, string Change)> Describe(ScheduleReconciliation result, IReadOnlyList<FlowSchedule> schedules)
    {
        static string FlowOf(TriggerKey key) => key.Group[(ScheduleKeys.JobGroup.Length + 1)..];
        foreach (var flow in result.Added)
        {
            yield return (flow, "scheduled");
        }

        foreach (var key in result.TriggersReplaced)
        {
            var definition = schedules.SelectMany(s => s.Triggers).First(t => t.Key.Equals(key));
            yield return (FlowOf(key), $"trigger {key.Name} set to {definition.Trigger.Describe()}");
        }

        foreach (var key in result.TriggersRemoved)
        {
            yield return (FlowOf(key), $"trigger {key.Name} removed");
        }

        foreach (var flow in result.Removed)
        {
            yield return (flow, "unscheduled (no registered flow schedules it)");
        }
    }
}
