using Microsoft.EntityFrameworkCore;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>
/// How outbox rows are claimed for delivery on one database: a <c>SELECT</c> that locks the rows it returns until the
/// transaction ends and skips rows another transaction holds — <c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL,
/// <c>WITH (UPDLOCK, READPAST, ROWLOCK)</c> on SQL Server, a plain read on SQLite (one process, one writer). Several
/// orchestrator replicas then never deliver the same row at the same time, and never wait for each other. One
/// implementation per EF Core provider; the outbox picks the one whose <see cref="ProviderName"/> matches the DbContext's.
/// </summary>
public interface IOutboxRowLock
{
    /// <summary>The EF Core provider this lock is for, as <c>DatabaseFacade.ProviderName</c> reports it.</summary>
    string ProviderName { get; }

    /// <summary>
    /// Formats <c>SELECT * FROM table WHERE condition ORDER BY orderBy</c>, at most <paramref name="limit"/> rows, locking
    /// the rows it returns and skipping locked ones.
    /// </summary>
    /// <param name="table">The quoted (schema-qualified) table name.</param>
    /// <param name="condition">The filter, with quoted columns and named parameters (<c>@name</c>).</param>
    /// <param name="orderBy">The order, with quoted columns.</param>
    /// <param name="limit">The most rows to return.</param>
    /// <returns>The statement.</returns>
    string FormatClaimStatement(string table, string condition, string orderBy, int limit);

    /// <summary>
    /// Waits for this process's turn to write, on a database that takes one writer at a time (SQLite); the same turns as
    /// the saga repository's (<see cref="Saga.ISagaRowLock.EnterWriterAsync"/>). The outbox takes one around each delivering
    /// transaction (fast path and sweeps). The default: no turns (<see langword="null"/>).
    /// </summary>
    /// <param name="dbContext">The DbContext about to write.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The turn, to dispose when the write ended; <see langword="null"/> when there are no turns.</returns>
    ValueTask<IDisposable?> EnterWriterAsync(DbContext dbContext, CancellationToken cancellationToken) => ValueTask.FromResult<IDisposable?>(null);
}
