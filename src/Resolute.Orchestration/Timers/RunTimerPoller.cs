using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resolute.Contracts;

namespace Resolute.Orchestration.Timers;

/// <summary>
/// The durable timer loop: retry back-offs and attempt deadlines are stored on the run (<c>NextWakeAt</c>), so they
/// survive restarts; this loop finds due runs and sends each a <see cref="WakeFlowRun"/>. Several orchestrator replicas
/// may wake the same run; the saga treats a wake with nothing due as a no-op.
/// </summary>
public sealed partial class RunTimerPoller : BackgroundService
{
    private readonly IServiceScopeFactory _scopes;
    private readonly IBus _bus;
    private readonly OrchestratorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RunTimerPoller> _logger;
    private readonly Dictionary<Guid, (DateTimeOffset DueAt, DateTimeOffset WokenAt)> _recentlyWoken = [];

    /// <summary>Creates the poller.</summary>
    public RunTimerPoller(IServiceScopeFactory scopes, IBus bus, OrchestratorOptions options, TimeProvider time, ILogger<RunTimerPoller> logger)
    {
        _scopes = scopes;
        _bus = bus;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = QueueNames.Address(_options.QueueName);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(queue, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database or broker may be briefly unavailable; timers are durable, so try again next tick.
                TimerPollFailed(_logger, e);
            }

            try
            {
                await Task.Delay(_options.TimerPollInterval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task PollOnceAsync(Uri queue, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        IReadOnlyList<(Guid RunId, DateTimeOffset DueAt)> due;
        await using (var scope = _scopes.CreateAsyncScope())
        {
            due = await scope.ServiceProvider.GetRequiredService<IDueRunSource>().GetDueRunsAsync(now, 200, cancellationToken).ConfigureAwait(false);
        }

        // A wake already sent for the same due time is not repeated for a few seconds: it may still be queued
        // behind other messages. A new due time (the next retry) is woken at once.
        foreach (var stale in _recentlyWoken.Where(p => now - p.Value.WokenAt > TimeSpan.FromSeconds(5)).Select(p => p.Key).ToList())
        {
            _recentlyWoken.Remove(stale);
        }

        if (due.Count == 0)
        {
            return;
        }

        var endpoint = await _bus.GetSendEndpoint(queue).ConfigureAwait(false);
        foreach (var (runId, dueAt) in due)
        {
            if (_recentlyWoken.TryGetValue(runId, out var woken) && woken.DueAt == dueAt)
            {
                continue;
            }

            await endpoint.Send(new WakeFlowRun { RunId = runId, DueAt = dueAt }, cancellationToken).ConfigureAwait(false);
            _recentlyWoken[runId] = (dueAt, now);
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Looking for due run timers failed; retrying on the next tick")]
    private static partial void TimerPollFailed(ILogger logger, Exception exception);
}
