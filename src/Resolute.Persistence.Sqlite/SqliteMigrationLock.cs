using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore;

namespace Resolute.Persistence.Sqlite;

/// <summary>
/// SQLite: one migrator per database file at a time within this process (a gate per file, however its connection string
/// is spelt). A SQLite file has one orchestrator process (<see cref="ResoluteDatabaseProvider.SharedByReplicas"/> is
/// false); should another process migrate the same file at the same moment, EF Core's own SQLite migration lock (its
/// <c>__EFMigrationsLock</c> table, held for the whole migration) still applies each migration once.
/// </summary>
public sealed class SqliteMigrationLock : IMigrationLock
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<IAsyncDisposable> AcquireAsync(DbContext dbContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dbContext);
        var connectionString = dbContext.Database.GetConnectionString()
            ?? throw new InvalidOperationException("The SQLite DbContext has no connection string: Resolute cannot tell which database file it migrates.");
        var gate = Gates.GetOrAdd(SqliteWriterTurns.FileKey(connectionString), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new HeldLock(gate);
    }

    private sealed class HeldLock(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
