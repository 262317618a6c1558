using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;
using Resolute.Persistence.PostgreSql;
using Resolute.Persistence.SqlServer;
using Resolute.Persistence.Sqlite;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>Migrations that need no server: SQLite files and the offline checks of every provider.</summary>
[Trait("Area", "Engine")]
public sealed class MigrationTests
{
    [Fact]
    public async Task Migrations_apply_on_a_new_SQLite_file_and_again_as_a_no_op()
    {
        var directory = Directory.CreateTempSubdirectory("resolute-sqlite-");
        try
        {
            var path = Path.Combine(directory.FullName, "resolute.db");

            // Pooling off: the file must be closed before the directory is deleted.
            await using (var services = Build(p => p.UseSqlite($"Data Source={path};Pooling=False")))
            {
                var migrator = services.GetRequiredService<ResoluteDatabaseMigrator>();

                var first = await migrator.MigrateAsync();
                var second = await migrator.MigrateAsync();

                Assert.Equal(5, first.Count);
                Assert.Empty(second);

                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
                Assert.Empty(await db.Database.GetPendingMigrationsAsync());
                Assert.Equal(0, await db.FlowRuns.CountAsync());
                Assert.Equal(0, await db.OutboxMessages.CountAsync());
                Assert.Equal(0, await db.NodeExecutions.CountAsync());
                Assert.Equal(0, await db.RateLimiters.CountAsync());
            }

            Assert.True(File.Exists(path));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ApplyMigrationsOnStartup_migrates_before_any_hosted_service_starts()
    {
        var directory = Directory.CreateTempSubdirectory("resolute-sqlite-");
        try
        {
            var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

            // Registered before persistence on purpose, like a bus added first: it must still find the table.
            builder.Services.AddSingleton<TableProbe>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<TableProbe>());
            builder.Services.AddResolutePersistence(p => p
                .UseSqlite($"Data Source={Path.Combine(directory.FullName, "resolute.db")};Pooling=False")
                .ApplyMigrationsOnStartup());

            using var host = builder.Build();
            await host.StartAsync();
            var probe = host.Services.GetRequiredService<TableProbe>();
            await host.StopAsync();

            Assert.Equal(0, probe.RunsAtStart);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

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

    /// <summary>A hosted service that reads the saga table when it starts.</summary>
    private sealed class TableProbe(IServiceScopeFactory scopes) : IHostedService
    {
        public int? RunsAtStart { get; private set; }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using var scope = scopes.CreateAsyncScope();
            RunsAtStart = await scope.ServiceProvider.GetRequiredService<ResoluteDbContext>().FlowRuns.CountAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
