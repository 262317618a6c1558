using Microsoft.EntityFrameworkCore;

namespace Resolute.Persistence.EntityFrameworkCore;

/// <summary>
/// The database-wide lock <see cref="ResoluteDatabaseMigrator"/> holds while it reads which migrations are applied and
/// applies the rest, so that replicas starting at once against the same database migrate one after another: the first
/// applies everything, the others find nothing pending. One implementation per database (<see cref="ResoluteDatabaseProvider.MigrationLock"/>):
/// <c>pg_advisory_lock</c> on PostgreSQL, <c>sp_getapplock</c> on SQL Server, a per-file gate on SQLite.
/// </summary>
/// <remarks>
/// EF Core's own migration lock is not enough on PostgreSQL: it is a transaction lock, released when each migration
/// commits, so a replica waiting for it can start on a migration that the replica before it is about to apply too.
/// This lock is held from before the history is read until the last migration committed.
/// </remarks>
public interface IMigrationLock
{
    /// <summary>Waits for the lock on <paramref name="dbContext"/>'s database and takes it.</summary>
    /// <param name="dbContext">A DbContext on the database to migrate; the lock is taken on a connection of its own.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The held lock; disposing it releases the lock.</returns>
    Task<IAsyncDisposable> AcquireAsync(DbContext dbContext, CancellationToken cancellationToken);
}
