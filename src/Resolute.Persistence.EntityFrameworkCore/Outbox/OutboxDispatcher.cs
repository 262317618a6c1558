using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Resolute.Contracts;
using Resolute.Orchestration.Telemetry;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>
/// Delivers outbox rows. The fast path (<see cref="DeliverCommittedAsync"/>, called by
/// <see cref="OutboxDeliveryFilter{TMessage}"/> right after the saga's commit) holds its batch's rows with a locking read
/// while it sends their messages, deletes them and commits: a sweeper (of any replica) skips locked rows, so it never sends
/// a row a fast path is sending, and rows a fast path sent are gone once it returns. The sweeper
/// (<see cref="OutboxDeliveryService"/>) claims old rows the same way, delivers and deletes them in one transaction of its own.
/// </summary>
/// <remarks>
/// A row is deleted only after its message left, so a crash anywhere loses nothing: the worst case is a message sent again
/// by a sweeper after a crash between the send and the commit of its delete, with the same MessageId (workers answer a
/// command they already ran from memory).
/// </remarks>
internal sealed class OutboxDispatcher
{
    private readonly IServiceScopeFactory _scopes;
    private readonly Type _dbContextType;
    private readonly List<IOutboxRowLock> _rowLocks;
    private readonly ILogger<OutboxDispatcher> _logger;
    private readonly IOutboxObserver[] _observers;

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

    /// <summary>
    /// The fast path: after the saga's transaction committed, holds the batch's rows (a locking read that skips rows a
    /// sweeper holds), sends their messages through the consume context (so they carry its conversation and trace),
    /// deletes them and commits. Never throws: whatever it could not send stays in the table for the sweeper.
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

        var messages = batch.Messages.ToDictionary(m => m.Row.Id);
        using var timeout = new CancellationTokenSource(Options.DeliveryTimeout);
        try
        {
            var result = await ClaimAndDeliverAsync(
                (db, statements, token) => statements.ClaimAsync(db, messages.Keys, token),
                async (row, token) =>
                {
                    var message = messages[row.Id];
                    await OutboxTransport.DeliverAsync(context, context, message.Row, message.Message, message.MessageType, token).ConfigureAwait(false);
                    return true;
                },
                timeout.Token).ConfigureAwait(false);
            if (result.Failure is { } failure)
            {
                OutboxLog.FastPathFailed(_logger, failure, batch.Messages.Count - result.Delivered);
            }
        }
#pragma warning disable CA1031 // After the commit nothing may fail the message: the rows are safe, the sweeper delivers them.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            OutboxLog.FastPathFailed(_logger, exception, batch.Messages.Count);
        }
    }

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
                                if (await deliver(row, token).ConfigureAwait(false))
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
