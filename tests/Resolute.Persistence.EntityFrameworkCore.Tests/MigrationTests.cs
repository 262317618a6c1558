using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;
using Resolute.Persistence.PostgreSql;
using Resolute.Persistence.SqlServer;
using Resolute.Persistence.Sqlite;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>The offline checks of every provider's migrations (those on real databases: <see cref="MigrationSuite{TDatabase}"/>).</summary>
[Trait("Area", "Engine")]
public sealed class MigrationTests
{
    [Theory]
    [InlineData("PostgreSQL")]
    [InlineData("SQL Server")]
    [InlineData("SQLite")]
    public void Each_provider_has_its_initial_migration_and_no_model_change_left_unmigrated(string provider)
    {
        // No server needed: the migrations assembly and the model snapshot are compared with the current model.
        using var db = CreateOffline(provider);

        Assert.Single(db.Database.GetMigrations(), m => m.EndsWith("_InitialCreate", StringComparison.Ordinal));
        Assert.Single(db.Database.GetMigrations(), m => m.EndsWith("_AddOutboxAndInbox", StringComparison.Ordinal));
        Assert.Single(db.Database.GetMigrations(), m => m.EndsWith("_NodeExecutionHistory", StringComparison.Ordinal));
        Assert.False(db.Database.HasPendingModelChanges(), $"The {provider} model changed since its last migration: run dotnet ef migrations add.");
    }

    [Fact]
    public void The_SQL_Server_migration_creates_the_table_and_indexes()
    {
        using var db = CreateOffline("SQL Server");

        var script = db.Database.GenerateCreateScript();

        Assert.Contains("CREATE TABLE [resolute_flow_runs]", script, StringComparison.Ordinal);
        Assert.Contains("[state_json] nvarchar(max) NOT NULL", script, StringComparison.Ordinal);
        Assert.Contains("[current_state] nvarchar(32) NOT NULL", script, StringComparison.Ordinal);
        Assert.Contains("CREATE INDEX [ix_resolute_flow_runs_next_wake_at]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE INDEX [ix_resolute_flow_runs_flow_name_current_state]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [resolute_outbox]", script, StringComparison.Ordinal);
        Assert.Contains("[body] nvarchar(max) NOT NULL", script, StringComparison.Ordinal);
        Assert.Contains("CREATE INDEX [ix_resolute_outbox_created_at]", script, StringComparison.Ordinal);
        Assert.Contains("CONSTRAINT [pk_resolute_node_executions] PRIMARY KEY ([execution_id])", script, StringComparison.Ordinal);
        Assert.Contains("CREATE INDEX [ix_resolute_node_executions_run_id_sequence]", script, StringComparison.Ordinal);
        Assert.Contains("CONSTRAINT [pk_resolute_rate_limits] PRIMARY KEY ([limiter_key])", script, StringComparison.Ordinal);
        Assert.DoesNotContain("resolute_inbox", script, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PostgreSQL", "FOR UPDATE SKIP LOCKED")]
    [InlineData("SQL Server", "WITH (UPDLOCK, READPAST, ROWLOCK)")]
    [InlineData("SQLite", "LIMIT 5")]
    public void Each_provider_claims_outbox_rows_with_its_own_locking_read(string provider, string expected)
    {
        using var db = CreateOffline(provider);
        var outboxLock = Provider(provider).OutboxLock;

        var statement = outboxLock.FormatClaimStatement("t", "c < @p", "c, id", 5);

        Assert.Contains(expected, statement, StringComparison.Ordinal);
        Assert.Equal(db.Database.ProviderName, outboxLock.ProviderName);
    }

    internal static ResoluteDbContext CreateOffline(string provider)
    {
        var builder = new DbContextOptionsBuilder<ResoluteDbContext>();
        Provider(provider).Configure(builder);
        return new ResoluteDbContext(builder.Options);
    }

    private static ResoluteDatabaseProvider Provider(string provider) => provider switch
    {
        "PostgreSQL" => new PostgreSqlDatabaseProvider("Host=localhost;Database=offline"),
        "SQL Server" => new SqlServerDatabaseProvider("Server=localhost;Database=offline"),
        "SQLite" => new SqliteDatabaseProvider("Data Source=:memory:"),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    internal static ServiceProvider Build(Action<ResolutePersistenceBuilder> persistence)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddResolutePersistence(persistence);
        return services.BuildServiceProvider();
    }
}
