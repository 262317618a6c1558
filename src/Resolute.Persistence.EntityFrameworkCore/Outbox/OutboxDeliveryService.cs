using System.Collections.Concurrent;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resolute.Orchestration.Health;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>
/// The outbox sweeper, on every orchestrator: every <see cref="ResoluteOutboxOptions.SweepInterval"/> it delivers the rows
/// older than <see cref="ResoluteOutboxOptions.SweepAge"/> — those the fast path did not remove because the process died
/// between commit and send, or the broker or database failed — and deletes them. Replicas claim rows with a locking read that skips locked rows, so
/// no two of them send the same row at once. Database and broker outages are logged and retried at the next tick.
/// </summary>
public sealed class OutboxDeliveryService : BackgroundService, IHostedLifecycleService
{
    private const int MaxUndeliverable = 1000;

    private readonly OutboxDispatcher _dispatcher;
    private readonly IBus _bus;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxDeliveryService> _logger;
    private readonly LoopHeartbeats? _heartbeats;
    private volatile bool _sweeping;

    // Rows of message types this process does not know (another version's): left for a replica that does, and not
    // claimed again here, so they never hold up the rows behind them. Bounded; reported once each.
    private readonly ConcurrentDictionary<Guid, byte> _undeliverable = new();

    /// <summary>Created by DI (<see cref="ResoluteOutboxServiceCollectionExtensions.AddResoluteOutbox(IServiceCollection, Action{ResoluteOutboxOptions})"/>).</summary>
    /// <param name="services">The application's services.</param>
    /// <param name="bus">Sends and publishes the stored messages.</param>
    /// <param name="time">The clock the ages are measured with.</param>
    /// <param name="logger">Logs failures and late deliveries.</param>
    public OutboxDeliveryService(IServiceProvider services, IBus bus, TimeProvider time, ILogger<OutboxDeliveryService> logger)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _dispatcher = services.GetService<OutboxDispatcher>() ?? throw new InvalidOperationException(
            "The transactional outbox is not registered: call services.AddResoluteOutbox(...).");
        _bus = bus;
        _time = time;
        _logger = logger;
        _heartbeats = services.GetService<LoopHeartbeats>();
    }

    private ResoluteOutboxOptions Options => _dispatcher.Options;

    /// <summary>
    /// One sweep: claims, delivers and deletes rows older than <see cref="ResoluteOutboxOptions.SweepAge"/>, a batch per
    /// transaction, until none is left. A delivery failure ends the sweep (logged); the rows delivered before it are deleted.
    /// </summary>
    /// <param name="cancellationToken">Stops the sweep between batches (and abandons the current one, which rolls back).</param>
    /// <returns>How many messages were delivered.</returns>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken = default)
    {
        var total = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var cutoff = _time.GetUtcNow() - Options.SweepAge;
            var limit = Options.SweepBatchSize;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.DeliveryTimeout);
            var result = await _dispatcher.ClaimAndDeliverAsync(
                (db, statements, token) => statements.ClaimCreatedBeforeAsync(db, cutoff, limit, [.. _undeliverable.Keys], token),
                DeliverAsync,
                timeout.Token).ConfigureAwait(false);
            total += result.Delivered;

            // A long backlog takes many batches: each one shows the sweeper loop is making progress.
            if (_sweeping)
            {
                _heartbeats?.Beat(LoopHeartbeats.OutboxSweeper);
            }

            if (result.Failure is not null)
            {
                OutboxLog.SweepDeliveryFailed(_logger, result.Failure, total);
                break;
            }

            // A full batch may mean more are waiting.
            if (result.Claimed < limit || result.Delivered == 0)
            {
                break;
            }
        }

        if (total > 0)
        {
            OutboxLog.SweepDelivered(_logger, total);
        }

        return total;
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _sweeping = true;
        _heartbeats?.Beat(LoopHeartbeats.OutboxSweeper);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(Options.SweepInterval, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                try
                {
                    await DeliverDueAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // The database or broker may be down for a while: log, and try again at the next tick.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    OutboxLog.SweepFailed(_logger, exception, Options.SweepInterval);
                }

                // A failed sweep still counts: the loop is alive (the backlog's age is for the readiness check).
                _heartbeats?.Beat(LoopHeartbeats.OutboxSweeper);
            }
        }
        finally
        {
            _sweeping = false;
            _heartbeats?.Stopped(LoopHeartbeats.OutboxSweeper);
        }
    }

    private async Task<bool> DeliverAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        if (OutboxContracts.Resolve(row.MessageType) is not { } type)
        {
            if (_undeliverable.Count < MaxUndeliverable && _undeliverable.TryAdd(row.Id, 0))
            {
                OutboxLog.UnknownMessageType(_logger, row.Id, row.RunId, row.MessageType);
            }

            return false;
        }

        var message = OutboxContracts.Deserialize(row.Body, type);
        await OutboxTransport.DeliverAsync(_bus, _bus, row, message, type, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
