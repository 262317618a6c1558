using Microsoft.EntityFrameworkCore;
using Npgsql;
using Resolute.Persistence.EntityFrameworkCore;

namespace Resolute.Persistence.PostgreSql;

/// <summary>
/// PostgreSQL: a session-level advisory lock (<c>pg_advisory_lock</c>) on a connection of its own, outside the pool, held
/// until the migrator is done. Advisory locks are per database, so replicas of other databases on the same server do not
/// wait for each other; if the process dies, the server ends the session and the lock goes with it.
/// </summary>
public sealed class PostgreSqlMigrationLock : IMigrationLock
{
    /// <summary>The advisory lock key: the ASCII bytes of <c>Resolute</c> read as a 64-bit integer.</summary>
    public const long Key = 0x5265736F6C757465;

    /// <inheritdoc />
    public async Task<IAsyncDisposable> AcquireAsync(DbContext dbContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dbContext);
        var builder = new NpgsqlConnectionStringBuilder(dbContext.Database.GetConnectionString()
            ?? throw new InvalidOperationException("The PostgreSQL DbContext has no connection string: Resolute cannot tell which database to lock."))
        {
            // Not pooled: closing the connection ends the session, which releases the lock whatever happened before.
            Pooling = false,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
            {
                command.Parameters.AddWithValue("key", Key);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return new HeldLock(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class HeldLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                command.Parameters.AddWithValue("key", Key);
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            finally
            {
                // Ends the session: the lock is released even when the unlock above failed.
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
