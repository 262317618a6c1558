using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Resolute.Persistence.EntityFrameworkCore;

namespace Resolute.Persistence.PostgreSql;

/// <summary>
/// For <c>dotnet ef migrations add ... --project src/Resolute.Persistence.PostgreSql</c>. Adding a migration needs no
/// server; <c>dotnet ef database update</c> uses RESOLUTE_MIGRATIONS_CONNECTION.
/// </summary>
internal sealed class PostgreSqlDesignTimeDbContextFactory : IDesignTimeDbContextFactory<ResoluteDbContext>
{
    public ResoluteDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable(ResolutePersistenceDefaults.DesignTimeConnectionVariable)
            ?? "Host=localhost;Database=resolute;Username=postgres";
        var builder = new DbContextOptionsBuilder<ResoluteDbContext>();
        new PostgreSqlDatabaseProvider(connectionString).Configure(builder);
        return new ResoluteDbContext(builder.Options);
    }
}
