using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resolute.Contracts;
using Resolute.Orchestration.Runs;
using Resolute.Orchestration.Telemetry;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Outbox;

namespace Resolute.Telemetry;

/// <summary>
/// Reads the cluster-wide gauges of <see cref="FlowRunMetrics"/> from the saga database every
/// <see cref="ResoluteTelemetryOptions.GaugeInterval"/> — runs not yet ended by flow (flows with none report 0), and, with
/// the transactional outbox, its backlog and the age of its oldest row — but only while a meter listens to them. Two
/// indexed queries a pass; a failed pass is logged at Debug and tried again at the next (health checks report the
/// database).
/// </summary>
internal sealed partial class RunGaugeSampler(
    IServiceScopeFactory scopes,
    FlowRunMetrics metrics,
    FlowRegistry registry,
    ResoluteTelemetryOptions options,
    ResoluteHostPlan plan,
    TimeProvider time,
    ILogger<RunGaugeSampler> logger) : BackgroundService
{
    private static readonly string[] NotEnded = Enum.GetValues<RunStatus>().Where(s => !s.HasEnded()).Select(s => s.ToString()).ToArray();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.GaugeInterval, time);
        do
        {
            if (!metrics.GaugesObserved)
            {
                continue;
            }

            try
            {
                await SampleAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                SampleFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();

        var counts = await db.Set<FlowRun>().AsNoTracking()
            .Where(r => NotEnded.Contains(r.CurrentState))
            .GroupBy(r => r.FlowName)
            .Select(g => new { Flow = g.Key, Count = g.LongCount() })
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        var byFlow = registry.Flows.ToDictionary(f => f.Flow.Name, _ => 0L, StringComparer.Ordinal);
        foreach (var count in counts)
        {
            byFlow[count.Flow] = count.Count;
        }

        metrics.UpdateRunsInFlight(byFlow);

        if (plan.TransactionalOutbox)
        {
            var outbox = db.Set<OutboxMessage>().AsNoTracking();
            var backlog = await outbox.LongCountAsync(cancellationToken).ConfigureAwait(false);
            var oldest = backlog == 0
                ? (DateTimeOffset?)null
                : await outbox.OrderBy(m => m.CreatedAt).Select(m => (DateTimeOffset?)m.CreatedAt).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            metrics.UpdateOutbox(backlog, oldest is { } createdAt ? time.GetUtcNow() - createdAt : TimeSpan.Zero);
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Reading the run and outbox gauges failed; trying again at the next interval")]
    private static partial void SampleFailed(ILogger logger, Exception exception);
}
