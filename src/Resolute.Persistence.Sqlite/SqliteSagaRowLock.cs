using System.Data;
using MassTransit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Saga;

namespace Resolute.Persistence.Sqlite;

/// <summary>
/// SQLite has no row locks: a plain load. The per-message transaction begins IMMEDIATE (Microsoft.Data.Sqlite's default for
/// non-deferred transactions), which takes the database's single write lock up front, so writers are serialised anyway.
/// Before that, the writers of this process take turns (<see cref="EnterWriterAsync"/>), so several messages can be in
/// flight — received, deserialised, their commands delivered — while one at a time writes.
/// </summary>
public sealed class SqliteSagaRowLock : ISagaRowLock
{
    /// <summary>The EF Core provider name of SQLite.</summary>
    public static readonly string EfCoreProviderName = typeof(Microsoft.EntityFrameworkCore.SqliteDbContextOptionsBuilderExtensions).Assembly.GetName().Name!;

    // Primary key / unique constraint failures and "database is busy / locked".
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    /// <inheritdoc />
    public string ProviderName => EfCoreProviderName;

    /// <inheritdoc />
    public IsolationLevel IsolationLevel => IsolationLevel.Serializable;

    /// <inheritdoc />
    public Task<TSaga?> LoadAsync<TSaga>(DbContext dbContext, Guid correlationId, CancellationToken cancellationToken)
        where TSaga : class, ISaga
    {
        ArgumentNullException.ThrowIfNull(dbContext);
        return dbContext.Set<TSaga>()
            .AsTracking()
            .SingleOrDefaultAsync(x => x.CorrelationId == correlationId, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One turn at a time per database file, in arrival order, shared with the outbox's writes.</remarks>
    public ValueTask<IDisposable?> EnterWriterAsync(DbContext dbContext, CancellationToken cancellationToken) =>
        SqliteWriterTurns.EnterAsync(dbContext, cancellationToken);

    /// <inheritdoc />
    public bool IsConcurrencyConflict(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SqliteException sqlite &&
                (sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked ||
                 sqlite.SqliteExtendedErrorCode is SqliteConstraintPrimaryKey or SqliteConstraintUnique))
            {
                return true;
            }
        }

        return false;
    }
}
