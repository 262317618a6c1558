using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Resolute.Persistence.EntityFrameworkCore;

namespace Resolute.Persistence.SqlServer;

/// <summary>
/// For <c>dotnet ef migrations add ... --project src/Resolute.Persistence.SqlServer</c>. Adding a migration needs no
/// server; <c>dotnet ef database update</c> uses RESOLUTE_MIGRATIONS_CONNECTION.
/// </summary>
internal sealed class SqlServerDesignTimeDbContextFactory : IDesignTimeDbContextFactory<ResoluteDbContext>
{
    public ResoluteDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable(ResolutePersistenceDefaults.DesignTimeConnectionVariable)
            ?? "Server=localhost;Database=resolute;Integrated Security=true;TrustServerCertificate=true";
        var builder = new DbContextOptionsBuilder<ResoluteDbContext>();
        new SqlServerDatabaseProvider(connectionString).Configure(builder);
        return new ResoluteDbContext(builder.Options);
    }
}
