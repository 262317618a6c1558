using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Resolute.Persistence.Sqlite;

/// <summary>
/// SQLite lets one writer at a time into a database file. The writers of this process — the saga repository's message
/// transactions, the outbox's sweeps and deliveries — take turns here, in arrival order and without blocking a thread,
/// before they begin; so they never meet SQLite's lock, whose busy handler waits by sleeping a thread in steps of up to
/// 100 ms. Other processes on the same file still meet the lock and wait through the busy timeout.
/// </summary>
internal static class SqliteWriterTurns
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> FileKeys = new(StringComparer.Ordinal);

    public static async ValueTask<IDisposable?> EnterAsync(DbContext dbContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dbContext);
        var connectionString = dbContext.Database.GetConnectionString()
            ?? throw new InvalidOperationException("The SQLite DbContext has no connection string: Resolute cannot tell which database file it writes.");
        var gate = Gates.GetOrAdd(FileKeys.GetOrAdd(connectionString, FileKey), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Turn(gate);
    }

    // One gate per file, however its connection strings are spelt; an in-memory database is its connection string's own.
    internal static string FileKey(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        return builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:"
            ? "memory:" + connectionString
            : "file:" + Path.GetFullPath(builder.DataSource);
    }

    private sealed class Turn(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
