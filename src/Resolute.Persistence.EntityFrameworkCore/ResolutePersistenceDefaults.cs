namespace Resolute.Persistence.EntityFrameworkCore;

/// <summary>Names shared by the provider packages.</summary>
public static class ResolutePersistenceDefaults
{
    /// <summary>
    /// The EF Core migrations history table of Resolute's schema, apart from <c>__EFMigrationsHistory</c> so that an
    /// application's own migrations can live in the same database.
    /// </summary>
    public const string MigrationsHistoryTable = "resolute_ef_migrations";

    /// <summary>The environment variable the design-time factories read a connection string from (dotnet ef database update).</summary>
    public const string DesignTimeConnectionVariable = "RESOLUTE_MIGRATIONS_CONNECTION";
}
