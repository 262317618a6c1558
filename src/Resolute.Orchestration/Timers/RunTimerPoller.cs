using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resolute.Contracts;
using Resolute.Orchestration.Health;

namespace Resolute.Orchestration.Timers;

/// <summary>
/// The durable timer loop: retry back-offs and attempt deadlines are stored on the run (<c>NextWakeAt</c>), so they
/// survive restarts; this loop finds due runs and sends each a <see cref="WakeFlowRun"/>. It looks when the earliest
/// timer of the <see cref="RunWakeSchedule"/> is due — armed by the saga after each commit, and with the next timer the
/// database reported after each look, which covers timers other replicas wrote — and at least every
/// <see cref="OrchestratorOptions.TimerPollInterval"/> as a safety net (a replica that died before its timer fired).
/// Several orchestrator replicas may wake the same run; the saga treats a wake with nothing due as a no-op.
/// </summary>
public sealed partial class RunTimerPoller : BackgroundService
{
    private const int BatchSize = 200;

    // A full batch means more runs are due than one look returns: look again soon for the rest. Not at once: until the
    // saga has handled this batch's wakes, the same batch would come back.
    private static readonly TimeSpan FullBatchRelook = TimeSpan.FromMilliseconds(250);

    // A wake already sent for the same due time is not repeated within this: it may still be queued behind other
    // messages, and a run whose wake the saga ignored must not be woken again at every look.
    private static readonly TimeSpan RewakeAfter = TimeSpan.FromSeconds(5);

    private readonly IServiceScopeFactory _scopes;
    private readonly IBus _bus;
    private readonly OrchestratorOptions _options;
    private readonly RunWakeSchedule _schedule;
    private readonly TimeProvider _time;
    private readonly ILogger<RunTimerPoller> _logger;
    private readonly LoopHeartbeats? _heartbeats;
    private readonly Dictionary<Guid, (DateTimeOffset DueAt, DateTimeOffset WokenAt)> _recentlyWoken = [];

    /// <summary>Creates the poller.</summary>
    /// <param name="scopes">A scope per look, for the <see cref="IDueRunSource"/>.</param>
    /// <param name="bus">Sends the wakes.</param>
    /// <param name="options">The orchestrator's settings (queue, safety poll).</param>
    /// <param name="schedule">The armed timers.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Logs failed looks.</param>
    /// <param name="heartbeats">Told after every look, for the liveness check; null = not watched.</param>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="OrchestratorOptions.TimerPollInterval"/> is not positive.</exception>
    public RunTimerPoller(
        IServiceScopeFactory scopes, IBus bus, OrchestratorOptions options, RunWakeSchedule schedule, TimeProvider time, ILogger<RunTimerPoller> logger,
        LoopHeartbeats? heartbeats = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _scopes = scopes;
        _bus = bus;
        _options = options;
        _schedule = schedule;
        _time = time;
        _logger = logger;
        _heartbeats = heartbeats;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = QueueNames.Address(_options.QueueName);
        _heartbeats?.Beat(LoopHeartbeats.TimerLoop);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await LookOnceAsync(queue, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // The database or broker may be briefly unavailable; timers are durable, so look again at the next
                    // armed time or safety poll.
                    TimerPollFailed(_logger, e);
                }

                // A failed look still counts: the loop is alive (the database's state is for the readiness checks).
                _heartbeats?.Beat(LoopHeartbeats.TimerLoop);

                try
                {
                    // The safety wait counts from the end of the look, so a slow or failing database is not queried back
                    // to back; an armed time cuts it short.
                    await _schedule.WaitAsync(_options.TimerPollInterval, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
        finally
        {
            _heartbeats?.Stopped(LoopHeartbeats.TimerLoop);
        }
    }

    private async Task LookOnceAsync(Uri queue, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();

        // Before the query: anything armed up to now committed before it, so the query sees it.
        _schedule.TakeDue(now);
        DueRuns found;
        await using (var scope = _scopes.CreateAsyncScope())
        {
            found = await scope.ServiceProvider.GetRequiredService<IDueRunSource>().GetDueRunsAsync(now, BatchSize, cancellationToken).ConfigureAwait(false);
        }

        // Strictly after now, so a run that stays due (its wake ignored or still queued) never re-arms the loop at once.
        if (found.NextWakeAt is { } next)
        {
            _schedule.Arm(next);
        }

        if (found.Due.Count >= BatchSize)
        {
            _schedule.Arm(now + FullBatchRelook);
        }

        foreach (var stale in _recentlyWoken.Where(p => now - p.Value.WokenAt > RewakeAfter).Select(p => p.Key).ToList())
        {
            _recentlyWoken.Remove(stale);
        }

        if (found.Due.Count == 0)
        {
            return;
        }

        var endpoint = await _bus.GetSendEndpoint(queue).ConfigureAwait(false);
        foreach (var (runId, dueAt) in found.Due)
        {
            // A new due time (the next retry) is woken at once.
            if (_recentlyWoken.TryGetValue(runId, out var woken) && woken.DueAt == dueAt)
            {
                continue;
            }

            await endpoint.Send(new WakeFlowRun { RunId = runId, DueAt = dueAt }, cancellationToken).ConfigureAwait(false);
            _recentlyWoken[runId] = (dueAt, now);
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Looking for due run timers failed; retrying at the next armed time or safety poll")]
    private static partial void TimerPollFailed(ILogger logger, Exception exception);
}
