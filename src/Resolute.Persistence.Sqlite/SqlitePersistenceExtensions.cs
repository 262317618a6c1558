using Microsoft.EntityFrameworkCore.Infrastructure;
using Resolute.Persistence.Sqlite;

namespace Resolute.Persistence.EntityFrameworkCore;

/// <summary>Chooses SQLite for Resolute's saga database.</summary>
public static class SqlitePersistenceExtensions
{
    /// <summary>
    /// Keeps the saga state in a SQLite file: plain loads (SQLite serialises writers; this process's writers take turns),
    /// the migrations of Resolute.Persistence.Sqlite. Run the saga endpoint with a few messages at a time
    /// (<see cref="ResoluteDatabaseProvider.MaxConcurrentSagaMessages"/> is 4).
    /// </summary>
    /// <param name="builder">The persistence builder.</param>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=resolute.db</c>.</param>
    /// <param name="configure">Further SQLite options.</param>
    /// <returns>The builder.</returns>
    public static ResolutePersistenceBuilder UseSqlite(
        this ResolutePersistenceBuilder builder,
        string connectionString,
        Action<SqliteDbContextOptionsBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseProvider(new SqliteDatabaseProvider(connectionString, configure));
    }
}
