using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Resolute.Persistence.EntityFrameworkCore.Schedules;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// Resolute's migrations on a real, empty database of each provider: they create the model's tables (columns and indexes
/// as the model maps them on that provider) and Quartz's, apply once however many replicas migrate at once, and run before
/// any hosted service starts.
/// </summary>
/// <typeparam name="TDatabase">The provider under test.</typeparam>
public abstract class MigrationSuite<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : DatabaseProviderFixture
{
    private static readonly string[] Migrations = ["InitialCreate", "AddOutboxAndInbox", "NodeExecutionHistory", "RateLimiters", "QuartzSchedulerTables", "RunListingIndexes"];

    private static readonly string[] FlowRunColumns =
    [
        "correlation_id", "created_at", "current_state", "current_step", "ended_at", "error_summary", "flow_name",
        "flow_version", "idempotency_key", "next_wake_at", "plan_cursor", "progress_json", "state_json", "updated_at", "version",
    ];

    protected TDatabase Database => database;

    [ProviderFact]
    public async Task Migrations_apply_on_an_empty_database_and_again_as_a_no_op()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync();
        await using var services = MigrationTests.Build(database.Persistence(connectionString));
        var migrator = services.GetRequiredService<ResoluteDatabaseMigrator>();

        var first = await migrator.MigrateAsync();
        var second = await migrator.MigrateAsync();

        Assert.Equal(Migrations, first.Select(m => m[(m.IndexOf('_', StringComparison.Ordinal) + 1)..]));
        Assert.Empty(second);
        await using var db = database.CreateDbContext(connectionString);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(Migrations.Length, (await db.Database.GetAppliedMigrationsAsync()).Count());
        Assert.Equal(0, await db.FlowRuns.CountAsync());
        Assert.Equal(0, await db.OutboxMessages.CountAsync());
        Assert.Equal(0, await db.NodeExecutions.CountAsync());
        Assert.Equal(0, await db.RateLimiters.CountAsync());

        // The tables, columns and indexes are those the model maps on this provider — read back from the database itself.
        Assert.Equal(FlowRunColumns, (await database.ColumnNamesAsync(connectionString, "resolute_flow_runs")).Order(StringComparer.Ordinal));
        foreach (var entityType in db.Model.GetEntityTypes())
        {
            var table = entityType.GetTableName()!;
            var store = StoreObjectIdentifier.Table(table, entityType.GetSchema());
            Assert.Equal(
                entityType.GetProperties().Select(p => p.GetColumnName(store)!).Order(StringComparer.Ordinal),
                (await database.ColumnNamesAsync(connectionString, table)).Order(StringComparer.Ordinal));
            Assert.Equal(
                entityType.GetIndexes().Select(i => i.GetDatabaseName(store)!).Order(StringComparer.Ordinal),
                (await database.IndexNamesAsync(connectionString, table)).Where(i => i.StartsWith("ix_", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        }

        // Resolute's tables are the model's, the history and Quartz's: the early inbox table is gone.
        var tables = (await database.TableNamesAsync(connectionString)).Where(t => t.StartsWith("resolute_", StringComparison.OrdinalIgnoreCase)).ToList();
        var quartz = tables.Where(t => t.StartsWith(QuartzTables.Prefix, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(QuartzTables.Names.Order(StringComparer.Ordinal), quartz.Select(t => t[QuartzTables.Prefix.Length..].ToLowerInvariant()).Order(StringComparer.Ordinal));
        Assert.Equal(
            db.Model.GetEntityTypes().Select(e => e.GetTableName()!).Append(ResolutePersistenceDefaults.MigrationsHistoryTable).Order(StringComparer.Ordinal),
            tables.Except(quartz).Order(StringComparer.Ordinal));
    }

    [ProviderFact]
    public async Task Replicas_migrating_the_same_database_at_once_apply_the_schema_once()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync();
        var replicas = Enumerable.Range(0, 3).Select(_ => MigrationTests.Build(database.Persistence(connectionString))).ToList();
        try
        {
            await Task.WhenAll(replicas.Select(r => r.GetRequiredService<ResoluteDatabaseMigrator>().MigrateAsync()));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }

        await using var db = database.CreateDbContext(connectionString);
        Assert.Equal(Migrations.Length, (await db.Database.GetAppliedMigrationsAsync()).Count());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(0, await db.FlowRuns.CountAsync());
    }

    [ProviderFact]
    public async Task ApplyMigrationsOnStartup_migrates_before_any_hosted_service_starts()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync();
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        // Registered before persistence on purpose, like a bus added first: it must still find the table.
        builder.Services.AddSingleton<TableProbe>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TableProbe>());
        builder.Services.AddResolutePersistence(p =>
        {
            database.Persistence(connectionString)(p);
            p.ApplyMigrationsOnStartup();
        });

        using var host = builder.Build();
        await host.StartAsync();
        var probe = host.Services.GetRequiredService<TableProbe>();
        await host.StopAsync();

        Assert.Equal(0, probe.RunsAtStart);
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
