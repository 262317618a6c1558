using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>
/// Calls the <see cref="IOutboxObserver"/>s at <see cref="OutboxPoint.BeforeCommit"/>: right before a transaction commits
/// whose DbContext saved outbox rows — the saga repository's per-message transaction, after everything was written. A
/// throwing observer makes the commit fail, and the repository rolls back. Does nothing without observers.
/// </summary>
internal sealed class OutboxCommitInterceptor : DbTransactionInterceptor
{
    private readonly IOutboxObserver[] _observers;

    public OutboxCommitInterceptor(IEnumerable<IOutboxObserver> observers) => _observers = observers.ToArray();

    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        if (Hook(eventData) is { } call)
        {
            call().GetAwaiter().GetResult();
        }

        return result;
    }

    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction,
        TransactionEventData eventData,
        InterceptionResult result,
        CancellationToken cancellationToken = default)
    {
        if (Hook(eventData) is { } call)
        {
            await call().ConfigureAwait(false);
        }

        return result;
    }

    private Func<Task>? Hook(TransactionEventData eventData)
    {
        if (_observers.Length == 0 || eventData.Context is not { } db)
        {
            return null;
        }

        // The outbox's own delivery transactions read untracked and delete in bulk: only a saga transaction tracks rows here.
        var rows = db.ChangeTracker.Entries<OutboxMessage>().Select(e => e.Entity).ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        return async () =>
        {
            var observation = new OutboxObservation(OutboxPoint.BeforeCommit, rows, db);
            foreach (var observer in _observers)
            {
                await observer.ObserveAsync(observation).ConfigureAwait(false);
            }
        };
    }
}
