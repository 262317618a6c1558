using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Resolute.Persistence.EntityFrameworkCore;

namespace Resolute.Persistence.Sqlite;

/// <summary>
/// For <c>dotnet ef migrations add ... --project src/Resolute.Persistence.Sqlite</c>; <c>dotnet ef database update</c> uses
/// RESOLUTE_MIGRATIONS_CONNECTION.
/// </summary>
internal sealed class SqliteDesignTimeDbContextFactory : IDesignTimeDbContextFactory<ResoluteDbContext>
{
    public ResoluteDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable(ResolutePersistenceDefaults.DesignTimeConnectionVariable)
            ?? "Data Source=resolute.db";
        var builder = new DbContextOptionsBuilder<ResoluteDbContext>();
        new SqliteDatabaseProvider(connectionString).Configure(builder);
        return new ResoluteDbContext(builder.Options);
    }
}
