using System.Collections.Concurrent;
using System.Threading.Channels;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Resolute.Contracts;
using Resolute.Orchestration.Telemetry;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>
/// Delivers outbox rows. The fast path (<see cref="DeliverCommittedAsync"/>, called by
/// <see cref="OutboxDeliveryFilter{TMessage}"/> right after the saga's commit) sends the batch's messages and queues their
/// rows for deletion; it does not wait for the delete. A background loop collects what is queued for
/// <see cref="ResoluteOutboxOptions.DeleteBatchWindow"/> and deletes it in one statement — so many consumes share one
/// delete and its commit, and none of them holds its concurrency slot while it runs. The sweeper
/// (<see cref="OutboxDeliveryService"/>) claims old rows with a locking read that skips locked rows, delivers and deletes
/// them in one transaction of its own.
/// </summary>
/// <remarks>
/// A row is deleted only after its message left, so a crash anywhere loses nothing: the worst case is a message sent again
/// by a sweeper (after a crash between send and delete — the rows delivered within the last delete window), with the same
/// MessageId. The sweeper of this process never sends a row whose delete is queued here.
/// </remarks>
internal sealed class OutboxDispatcher : IDisposable
{
    private const int MaxDeletesPerStatement = 1000;

    private readonly IServiceScopeFactory _scopes;
    private readonly Type _dbContextType;
    private readonly List<IOutboxRowLock> _rowLocks;
    private readonly ILogger<OutboxDispatcher> _logger;
    private readonly Channel<IReadOnlyList<Guid>> _deletions = Channel.CreateUnbounded<IReadOnlyList<Guid>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Guid, byte> _awaitingDeletion = new();
    private readonly Lock _gate = new();
    private readonly IOutboxObserver[] _observers;
    private Task? _deleteLoop;

    public OutboxDispatcher(
        IServiceScopeFactory scopes,
        ResolutePersistenceOptions persistence,
        IEnumerable<IOutboxRowLock> rowLocks,
        ResoluteOutboxOptions options,
        IEnumerable<IOutboxObserver> observers,
        ILogger<OutboxDispatcher> logger)
    {
        _observers = observers.ToArray();
        _scopes = scopes;
        _dbContextType = persistence.DbContextType;
        _rowLocks = rowLocks.ToList();
        Options = options;
        _logger = logger;
        if (!typeof(ResoluteDbContext).IsAssignableFrom(_dbContextType))
        {
            throw new InvalidOperationException(
                $"The transactional outbox needs a {nameof(ResoluteDbContext)} (or a context derived from it), which maps its tables; "
                + $"the persistence is configured with {_dbContextType.Name}.");
        }
    }

    public ResoluteOutboxOptions Options { get; }

    /// <summary>Rows delivered by the fast path whose delete has not committed yet.</summary>
    public int AwaitingDeletion => _awaitingDeletion.Count;

    /// <summary>
    /// The fast path: after the saga's transaction committed, sends the batch's messages through the consume context (so
    /// they carry its conversation and trace) and queues their rows for deletion (not awaited). Never throws: whatever it
    /// could not send stays in the table for the sweeper.
    /// </summary>
    public async Task DeliverCommittedAsync(ConsumeContext context, OutboxBatch batch)
    {
        if (_observers.Length > 0)
        {
            try
            {
                await ObserveAsync(new OutboxObservation(OutboxPoint.AfterCommitBeforeDelivery, batch.Messages.Select(m => m.Row).ToList())).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A throwing observer stands for a crash between commit and delivery: the rows stay for the sweeper.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                OutboxLog.DeliveryAbandoned(_logger, exception, batch.Messages.Count, OutboxPoint.AfterCommitBeforeDelivery);
                return;
            }
        }

        if (batch.Messages.Count == 0)
        {
            return;
        }

        var delivered = new List<Guid>(batch.Messages.Count);
        using var timeout = new CancellationTokenSource(Options.DeliveryTimeout);
        try
        {
            foreach (var message in batch.Messages)
            {
                await OutboxTransport.DeliverAsync(context, context, message.Row, message.Message, message.MessageType, timeout.Token).ConfigureAwait(false);
                delivered.Add(message.Row.Id);
            }
        }
#pragma warning disable CA1031 // After the commit nothing may fail the message: the rows are safe, the sweeper delivers them.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            OutboxLog.FastPathFailed(_logger, exception, batch.Messages.Count - delivered.Count);
        }

        if (delivered.Count > 0)
        {
            QueueDeletion(delivered);
            await ObserveDeliveredAsync(batch.Messages.Select(m => m.Row).Where(r => delivered.Contains(r.Id)).ToList()).ConfigureAwait(false);
        }
    }

    /// <summary>True when the fast path delivered the row and its delete is still queued (the sweeper must not send it again).</summary>
    public bool IsAwaitingDeletion(Guid id) => _awaitingDeletion.ContainsKey(id);

    /// <summary>Waits until every queued delete has committed, or <paramref name="cancellationToken"/> fires.</summary>
    public async Task FlushDeletionsAsync(CancellationToken cancellationToken)
    {
        while (!_awaitingDeletion.IsEmpty && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Ends the delete loop (what is still queued stays in the table for the next sweep).</summary>
    public void Dispose() => _deletions.Writer.TryComplete();

    /// <summary>
    /// In one transaction: claims rows with <paramref name="claim"/>, delivers each with <paramref name="deliver"/> (false:
    /// skipped, the row stays), deletes the delivered rows and commits. A delivery failure stops the batch; the rows
    /// delivered before it are still deleted, the others stay.
    /// </summary>
    public async Task<OutboxClaimResult> ClaimAndDeliverAsync(
        Func<ResoluteDbContext, OutboxStatements, CancellationToken, Task<List<OutboxMessage>>> claim,
        Func<OutboxMessage, CancellationToken, Task<bool>> deliver,
        CancellationToken cancellationToken)
    {
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = (ResoluteDbContext)scope.ServiceProvider.GetRequiredService(_dbContextType);
            var rowLock = SelectRowLock(db);
            var statements = OutboxStatements.For(db, rowLock);
            var strategy = db.Database.CreateExecutionStrategy();
            return await strategy.ExecuteAsync(
                async token =>
                {
                    using var turn = await rowLock.EnterWriterAsync(db, token).ConfigureAwait(false);
                    var transaction = await db.Database.BeginTransactionAsync(token).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        var rows = await claim(db, statements, token).ConfigureAwait(false);
                        var delivered = new List<Guid>(rows.Count);
                        Exception? failure = null;
                        foreach (var row in rows)
                        {
                            try
                            {
                                // Sent by the fast path already, only its delete is late: delete it, do not send it again.
                                if (IsAwaitingDeletion(row.Id) || await deliver(row, token).ConfigureAwait(false))
                                {
                                    delivered.Add(row.Id);
                                }
                            }
#pragma warning disable CA1031 // Reported to the caller; what was delivered so far is still recorded below.
                            catch (Exception exception)
#pragma warning restore CA1031
                            {
                                failure = exception;
                                break;
                            }
                        }

                        // Not cancellable: the messages have left; recording that avoids sending them again.
                        if (delivered.Count > 0)
                        {
                            await db.OutboxMessages.Where(x => delivered.Contains(x.Id)).ExecuteDeleteAsync(CancellationToken.None).ConfigureAwait(false);
                        }

                        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                        if (delivered.Count > 0)
                        {
                            await ObserveDeliveredAsync(rows.Where(r => delivered.Contains(r.Id)).ToList()).ConfigureAwait(false);
                        }

                        return new OutboxClaimResult(rows.Count, delivered.Count, failure);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ObserveAsync(OutboxObservation observation)
    {
        foreach (var observer in _observers)
        {
            await observer.ObserveAsync(observation).ConfigureAwait(false);
        }
    }

    private async Task ObserveDeliveredAsync(IReadOnlyList<OutboxMessage> rows)
    {
        if (_observers.Length == 0)
        {
            return;
        }

        try
        {
            await ObserveAsync(new OutboxObservation(OutboxPoint.Delivered, rows)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The messages have left: an observer's failure changes nothing about them.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            OutboxLog.ObserverFailed(_logger, exception, OutboxPoint.Delivered);
        }
    }

    /// <summary>Queues the delete of delivered rows (after a shutdown began they stay for the next start's sweeper).</summary>
    internal void QueueDeletion(IReadOnlyList<Guid> ids)
    {
        foreach (var id in ids)
        {
            _awaitingDeletion.TryAdd(id, 0);
        }

        if (!_deletions.Writer.TryWrite(ids))
        {
            foreach (var id in ids)
            {
                _awaitingDeletion.TryRemove(id, out _);
            }

            return;
        }

        if (_deleteLoop is null)
        {
            lock (_gate)
            {
                _deleteLoop ??= Task.Run(DeleteLoopAsync);
            }
        }

    }

    // One statement for everything queued within the window: consumes share a delete and its commit. Runs for the
    // process's life; a failed delete is retried until it succeeds (the sweeper skips those rows meanwhile).
    private async Task DeleteLoopAsync()
    {
        var retry = new List<Guid>();
        while (true)
        {
            if (retry.Count == 0)
            {
                if (!await _deletions.Reader.WaitToReadAsync().ConfigureAwait(false))
                {
                    return;
                }

                // Let the consumes finishing meanwhile add theirs (nobody waits for this delete).
                if (Options.DeleteBatchWindow > TimeSpan.Zero)
                {
                    await Task.Delay(Options.DeleteBatchWindow).ConfigureAwait(false);
                }
            }

            var ids = new List<Guid>(retry);
            while (ids.Count < MaxDeletesPerStatement && _deletions.Reader.TryRead(out var queued))
            {
                ids.AddRange(queued);
            }

            try
            {
                await DeleteAsync(ids, CancellationToken.None).ConfigureAwait(false);
                foreach (var deleted in ids)
                {
                    _awaitingDeletion.TryRemove(deleted, out _);
                }

                retry.Clear();
            }
            catch (ObjectDisposedException)
            {
                // The application is shutting down: the rows stay, and the next start's sweeper sends them again (same MessageId).
                return;
            }
#pragma warning disable CA1031 // The database may be down: keep the ids and try again; the sweeper skips them meanwhile.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                retry = ids;
                OutboxLog.DeleteFailed(_logger, exception, ids.Count, Options.SweepInterval);
                await Task.Delay(Options.SweepInterval).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs one write of its own (a bulk delete) in a new scope, in this process's turn to write where the database has turns.</summary>
    internal async Task<int> WriteAsync(Func<ResoluteDbContext, CancellationToken, Task<int>> write, CancellationToken cancellationToken)
    {
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = (ResoluteDbContext)scope.ServiceProvider.GetRequiredService(_dbContextType);
            using var turn = await SelectRowLock(db).EnterWriterAsync(db, cancellationToken).ConfigureAwait(false);
            return await write(db, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<int> DeleteAsync(List<Guid> ids, CancellationToken cancellationToken) =>
        WriteAsync((db, token) => db.OutboxMessages.Where(x => ids.Contains(x.Id)).ExecuteDeleteAsync(token), cancellationToken);

    private IOutboxRowLock SelectRowLock(DbContext db)
    {
        var provider = db.Database.ProviderName;
        for (var i = _rowLocks.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_rowLocks[i].ProviderName, provider, StringComparison.Ordinal))
            {
                return _rowLocks[i];
            }
        }

        throw new InvalidOperationException(
            $"No outbox row lock is registered for the EF Core provider '{provider}'. Configure the database with "
            + "AddResolutePersistence(p => p.UsePostgres(...) / UseSqlServer(...) / UseSqlite(...)), or register an "
            + $"{nameof(IOutboxRowLock)} for that provider with AddResoluteOutboxRowLock.");
    }
}

/// <summary>What one claim-deliver-delete transaction did.</summary>
/// <param name="Claimed">Rows claimed.</param>
/// <param name="Delivered">Rows delivered and deleted.</param>
/// <param name="Failure">The delivery failure that stopped the batch, if any.</param>
internal sealed record OutboxClaimResult(int Claimed, int Delivered, Exception? Failure);

/// <summary>Sends or publishes one stored message with its row id as MessageId.</summary>
internal static class OutboxTransport
{
    public static async Task DeliverAsync(
        ISendEndpointProvider sendEndpoints,
        IPublishEndpoint publishEndpoint,
        OutboxMessage row,
        object message,
        Type messageType,
        CancellationToken cancellationToken)
    {
        var messageId = row.Id;
        if (row.Kind == OutboxMessageKind.Send)
        {
            var endpoint = await sendEndpoints.GetSendEndpoint(QueueNames.Address(row.DestinationQueue!)).ConfigureAwait(false);
            await RunTraceSending.SendAsync(endpoint, message, messageType, c => c.MessageId = messageId, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await publishEndpoint.Publish(message, messageType, Pipe.Execute<PublishContext>(c => c.MessageId = messageId), cancellationToken).ConfigureAwait(false);
        }
    }
}
