using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;
using Resolute.Persistence.PostgreSql;

namespace Resolute.Persistence.EntityFrameworkCore;

/// <summary>Chooses PostgreSQL for Resolute's saga database.</summary>
public static class PostgreSqlPersistenceExtensions
{
    /// <summary>
    /// Keeps the saga state in PostgreSQL: Npgsql, row locks with <c>SELECT ... FOR UPDATE</c>, the migrations of
    /// Resolute.Persistence.PostgreSql.
    /// </summary>
    /// <param name="builder">The persistence builder.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="configure">Further Npgsql options.</param>
    /// <returns>The builder.</returns>
    public static ResolutePersistenceBuilder UsePostgres(
        this ResolutePersistenceBuilder builder,
        string connectionString,
        Action<NpgsqlDbContextOptionsBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseProvider(new PostgreSqlDatabaseProvider(connectionString, configure));
    }
}
