using Microsoft.EntityFrameworkCore.Infrastructure;
using Resolute.Persistence.SqlServer;

namespace Resolute.Persistence.EntityFrameworkCore;

/// <summary>Chooses SQL Server for Resolute's saga database.</summary>
public static class SqlServerPersistenceExtensions
{
    /// <summary>
    /// Keeps the saga state in SQL Server: row locks with <c>WITH (UPDLOCK, ROWLOCK)</c>, the migrations of
    /// Resolute.Persistence.SqlServer.
    /// </summary>
    /// <param name="builder">The persistence builder.</param>
    /// <param name="connectionString">A SQL Server connection string.</param>
    /// <param name="configure">Further SQL Server options.</param>
    /// <returns>The builder.</returns>
    public static ResolutePersistenceBuilder UseSqlServer(
        this ResolutePersistenceBuilder builder,
        string connectionString,
        Action<SqlServerDbContextOptionsBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseProvider(new SqlServerDatabaseProvider(connectionString, configure));
    }
}
