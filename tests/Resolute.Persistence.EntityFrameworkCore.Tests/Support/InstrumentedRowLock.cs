using System.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Saga;

namespace Resolute.Persistence.EntityFrameworkCore.Tests.Support;

/// <summary>
/// Wraps a row lock to measure how many messages waited for it at once and how many races it recognised; with
/// <c>plainLoad</c> it drops the lock (plain SELECT) to exercise the version check alone.
/// </summary>
public sealed class InstrumentedRowLock(ISagaRowLock inner, bool plainLoad = false) : ISagaRowLock
{
    private int _inFlight;
    private int _maxInFlight;
    private int _conflicts;

    public int MaxConcurrentLoads => Volatile.Read(ref _maxInFlight);

    public int Conflicts => Volatile.Read(ref _conflicts);

    public string ProviderName => inner.ProviderName;

    public IsolationLevel IsolationLevel => inner.IsolationLevel;

    /// <summary>The inner lock's writer turns (SQLite's), so that wrapping a lock does not change how writers meet.</summary>
    public ValueTask<IDisposable?> EnterWriterAsync(DbContext dbContext, CancellationToken cancellationToken) =>
        inner.EnterWriterAsync(dbContext, cancellationToken);

    public async Task<TSaga?> LoadAsync<TSaga>(DbContext dbContext, Guid correlationId, CancellationToken cancellationToken)
        where TSaga : class, ISaga
    {
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }

        try
        {
            return plainLoad
                ? await dbContext.Set<TSaga>().AsTracking().SingleOrDefaultAsync(x => x.CorrelationId == correlationId, cancellationToken).ConfigureAwait(false)
                : await inner.LoadAsync<TSaga>(dbContext, correlationId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public bool IsConcurrencyConflict(Exception exception)
    {
        var conflict = inner.IsConcurrencyConflict(exception);
        if (conflict)
        {
            Interlocked.Increment(ref _conflicts);
        }

        return conflict;
    }
}
