using System.Globalization;
using Resolute.Contracts;
using Resolute.Samples.ProcessTransactions;

namespace Resolute.Samples;

internal sealed class ProcessTransactionsSample : ISample
{
    public string Name => ProcessTransactionsFlow.Name;

    public string Summary => "hourly schedule; fan-out by transaction kind, then a report (run once by hand here)";

    public IReadOnlyList<SampleOption> Options { get; } = [];

    public Flow Build(SimulatedWork work, SampleArguments args) => ProcessTransactionsFlow.Build(work);

    public async Task<SampleVerdict> RunAsync(SampleSession session, SampleArguments args, CancellationToken cancellationToken)
    {
        // The schedule is real: the orchestrator registered it with Quartz at start-up; list its next ticks.
        var schedules = await session.Client.GetSchedulesAsync(Name, nextFireTimes: 3, cancellationToken);
        session.Schedules.AddRange(schedules);
        var schedule = schedules.SingleOrDefault(s => s.FlowName == Name);
        if (schedule is not null)
        {
            session.Line($"  schedule: cron '{string.Join("', '", schedule.Triggers.Select(t => t.Cron))}' ({string.Join(", ", schedule.Triggers.Select(t => t.TimeZone))}), "
                + $"{(schedule.Paused ? "paused" : "active")}; next fire times: {string.Join(", ", schedule.NextFireTimes.Select(t => t.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)))}");
        }

        session.Line("  not waiting for the next tick: this sample starts one run by hand now (fetch has a static input, so the run needs none)");
        var run = await session.RunAsync(Name, input: null, "by hand", cancellationToken);
        if (run.Status != RunStatus.Completed)
        {
            return SampleVerdict.Expect(false, $"the run completes (it ended {run.Status})");
        }

        var report = run.State.Get<TransactionsReport>("report");
        session.Line();
        foreach (var node in new[] { "process-orders", "process-returns", "process-refunds" })
        {
            var processed = run.State.Get<ProcessedTransactions>(node);
            session.Line($"  {node}: {processed.Kind}s {string.Join(", ", processed.Ids)} = {processed.Total}");
        }

        session.Line($"  report: orders {report.Orders}, returns {report.Returns}, refunds {report.Refunds}, net {report.Net}");
        session.PrintParallelStep(run, "process-types");
        return SampleVerdict.Expect(
            schedule is { NextFireTimes.Count: > 0 },
            schedule is null ? "the schedule is listed (it was not)" : "completed by hand; the hourly schedule is registered with its next fire times");
    }
}
