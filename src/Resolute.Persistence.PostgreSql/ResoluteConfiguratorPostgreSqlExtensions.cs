using Resolute.Persistence.PostgreSql;

namespace Resolute;

/// <summary>PostgreSQL as the saga database of <c>AddResolute(r =&gt; r.UsePostgres(…))</c>.</summary>
public static class ResoluteConfiguratorPostgreSqlExtensions
{
    /// <summary>
    /// Stores runs in PostgreSQL. The connection string is <c>ConnectionStrings:Resolute</c> when configured, else
    /// <paramref name="connectionString"/>; an orchestrator without either fails at start naming the key.
    /// </summary>
    /// <param name="configurator">Resolute's settings.</param>
    /// <param name="connectionString">The connection string, or null to read <c>ConnectionStrings:Resolute</c>.</param>
    /// <returns>The settings.</returns>
    public static ResoluteConfigurator UsePostgres(this ResoluteConfigurator configurator, string? connectionString = null)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        return configurator.UseDatabase("Postgres", cs => new PostgreSqlDatabaseProvider(cs), connectionString);
    }
}
