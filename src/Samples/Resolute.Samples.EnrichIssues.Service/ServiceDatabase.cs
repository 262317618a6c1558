namespace Resolute.Samples.EnrichIssues.Service;

/// <summary>
/// The saga database of the service: SQL Server (production, docker-compose.yml) unless <c>EnrichIssues:Database</c>
/// says <c>Postgres</c> (the project's tests run the service on the PostgreSQL they start). The connection string is
/// <c>ConnectionStrings:Resolute</c> either way; only the orchestrator opens the database.
/// </summary>
internal static class ServiceDatabase
{
    public const string Key = "EnrichIssues:Database";

    public static ResoluteConfigurator Use(ResoluteConfigurator resolute, IConfiguration configuration)
    {
        var database = configuration[Key];
        return database switch
        {
            null or "" or "SqlServer" => resolute.UseSqlServer(),
            "Postgres" => resolute.UsePostgres(),
            _ => throw new ResoluteConfigurationException(Key, $"'{database}' is not a database of this service. Allowed: SqlServer (default), Postgres."),
        };
    }
}
