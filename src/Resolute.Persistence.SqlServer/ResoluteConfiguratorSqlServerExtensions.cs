using Resolute.Persistence.SqlServer;

namespace Resolute;

/// <summary>SQL Server as the saga database of <c>AddResolute(r =&gt; r.UseSqlServer(…))</c>.</summary>
public static class ResoluteConfiguratorSqlServerExtensions
{
    /// <summary>
    /// Stores runs in SQL Server. The connection string is <c>ConnectionStrings:Resolute</c> when configured, else
    /// <paramref name="connectionString"/>; an orchestrator without either fails at start naming the key.
    /// </summary>
    /// <param name="configurator">Resolute's settings.</param>
    /// <param name="connectionString">The connection string, or null to read <c>ConnectionStrings:Resolute</c>.</param>
    /// <returns>The settings.</returns>
    public static ResoluteConfigurator UseSqlServer(this ResoluteConfigurator configurator, string? connectionString = null)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        return configurator.UseDatabase("SqlServer", cs => new SqlServerDatabaseProvider(cs), connectionString);
    }
}
