using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>
/// Calls <see cref="ResoluteOutboxOptions.FaultHook"/> at <see cref="OutboxFaultPoint.BeforeCommit"/>: right before a
/// transaction commits whose DbContext saved outbox rows — the saga repository's per-message transaction, after
/// everything was written. A throwing hook makes the commit fail, and the repository rolls back. Does nothing without a hook.
/// </summary>
internal sealed class OutboxCommitInterceptor : DbTransactionInterceptor
{
    private readonly ResoluteOutboxOptions _options;

    public OutboxCommitInterceptor(ResoluteOutboxOptions options) => _options = options;

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
        if (_options.FaultHook is not { } hook || eventData.Context is not { } db)
        {
            return null;
        }

        // The outbox's own delivery transactions read untracked and delete in bulk: only a saga transaction tracks rows here.
        var rows = db.ChangeTracker.Entries<OutboxMessage>().Select(e => e.Entity).ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        return () => hook(new OutboxFaultContext(OutboxFaultPoint.BeforeCommit, rows, db));
    }
}
