using System.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Resolute.Persistence.EntityFrameworkCore.Saga;

/// <summary>
/// How the saga repository loads an instance so that no other message for the same instance changes it before this
/// message's transaction ends: <c>SELECT ... FOR UPDATE</c> on PostgreSQL, <c>WITH (UPDLOCK, ROWLOCK)</c> on SQL Server,
/// a plain read on SQLite (which serialises writers itself). One implementation per EF Core provider; the repository picks
/// the one whose <see cref="ProviderName"/> matches the DbContext's provider.
/// </summary>
/// <remarks>
/// Row locks make parallel replies for one run queue up instead of failing: each is counted on its first attempt. The
/// saga's version column stays as a safety net behind the lock.
/// </remarks>
public interface ISagaRowLock
{
    /// <summary>The EF Core provider this lock is for, as <c>DatabaseFacade.ProviderName</c> reports it.</summary>
    string ProviderName { get; }

    /// <summary>The isolation level of the per-message transaction.</summary>
    IsolationLevel IsolationLevel { get; }

    /// <summary>
    /// Loads the instance, tracked by <paramref name="dbContext"/>, holding its row lock until the current transaction ends.
    /// Returns <see langword="null"/> when there is no such row (nothing is locked then: two first messages may race to
    /// insert, and the loser gets a duplicate-key error that <see cref="IsConcurrencyConflict"/> recognises).
    /// </summary>
    /// <typeparam name="TSaga">The saga instance type.</typeparam>
    /// <param name="dbContext">The per-message DbContext, inside its transaction.</param>
    /// <param name="correlationId">The instance's id.</param>
    /// <param name="cancellationToken">Cancels the load (and the wait for the lock).</param>
    Task<TSaga?> LoadAsync<TSaga>(DbContext dbContext, Guid correlationId, CancellationToken cancellationToken)
        where TSaga : class, ISaga;

    /// <summary>
    /// Waits for this process's turn to write, on a database that takes one writer at a time (SQLite): the repository calls
    /// it before it begins a message's transaction and disposes the turn once the transaction ended, so the writers of one
    /// process queue in order instead of meeting the database's lock (whose busy handler waits by sleeping a thread).
    /// The default: no turns (<see langword="null"/>) — row locks serialise writers of one instance, others run in parallel.
    /// </summary>
    /// <param name="dbContext">The DbContext about to write.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The turn, to dispose when the transaction ended; <see langword="null"/> when there are no turns.</returns>
    ValueTask<IDisposable?> EnterWriterAsync(DbContext dbContext, CancellationToken cancellationToken) => ValueTask.FromResult<IDisposable?>(null);

    /// <summary>
    /// True when <paramref name="exception"/> (or an inner one) means another transaction won a race on the same rows —
    /// duplicate key, deadlock, serialization failure, database busy — so that handling the message again succeeds.
    /// The repository reports these as <see cref="ConcurrencyException"/>.
    /// </summary>
    /// <param name="exception">The exception thrown by the database.</param>
    bool IsConcurrencyConflict(Exception exception);
}
