using System.Data;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore;

namespace Resolute.Persistence.SqlServer;

/// <summary>
/// SQL Server: an exclusive application lock owned by the session (<c>sp_getapplock</c>) on a connection of its own,
/// outside the pool, held until the migrator is done; if the process dies, the server ends the session and the lock goes
/// with it. Its resource is Resolute's own, apart from the one EF Core locks while it applies migrations.
/// </summary>
public sealed class SqlServerMigrationLock : IMigrationLock
{
    /// <summary>The application lock's resource name.</summary>
    public const string Resource = "Resolute.Migrations";

    /// <summary>Takes the lock, waiting as long as it takes; returns <c>sp_getapplock</c>'s result (0 or 1 when granted).</summary>
    public const string AcquireStatement =
        "DECLARE @result int; " +
        "EXEC @result = sp_getapplock @Resource = @resource, @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = -1; " +
        "SELECT @result;";

    /// <summary>Releases the lock.</summary>
    public const string ReleaseStatement = "EXEC sp_releaseapplock @Resource = @resource, @LockOwner = N'Session';";

    /// <inheritdoc />
    public async Task<IAsyncDisposable> AcquireAsync(DbContext dbContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dbContext);
        var builder = new SqlConnectionStringBuilder(dbContext.Database.GetConnectionString()
            ?? throw new InvalidOperationException("The SQL Server DbContext has no connection string: Resolute cannot tell which database to lock."))
        {
            // Not pooled: closing the connection ends the session, which releases the lock whatever happened before.
            Pooling = false,
        };
        var connection = new SqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = Command(connection, AcquireStatement))
            {
                // The lock waits without a limit: the command must too (cancellation still ends the wait).
                command.CommandTimeout = 0;
                var result = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                if (result < 0)
                {
                    throw new InvalidOperationException($"sp_getapplock did not grant Resolute's migration lock '{Resource}' (result {result}).");
                }
            }

            return new HeldLock(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static SqlCommand Command(SqlConnection connection, string text)
    {
        var command = new SqlCommand(text, connection);
        command.Parameters.Add(new SqlParameter("@resource", SqlDbType.NVarChar, 255) { Value = Resource });
        return command;
    }

    private sealed class HeldLock(SqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = Command(connection, ReleaseStatement);
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            finally
            {
                // Ends the session: the lock is released even when the release above failed.
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
