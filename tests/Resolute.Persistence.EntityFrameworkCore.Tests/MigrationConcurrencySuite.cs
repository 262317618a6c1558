using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// Orchestrators starting at once against one empty database: every one comes up, the schema is applied once and is
/// complete, and a first start logs no error.
/// </summary>
/// <typeparam name="TDatabase">The provider under test.</typeparam>
public abstract class MigrationConcurrencySuite<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : DatabaseProviderFixture
{
    private const int Replicas = 4;

    [ProviderFact]
    public async Task Four_migrators_starting_at_once_on_an_empty_database_all_succeed_and_apply_the_schema_once()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync();
        var replicas = Enumerable.Range(0, Replicas).Select(_ => MigrationTests.Build(database.Persistence(connectionString))).ToList();
        IReadOnlyList<string>[] applied;
        try
        {
            var migrators = replicas.Select(r => r.GetRequiredService<ResoluteDatabaseMigrator>()).ToList();
            using var go = new ManualResetEventSlim();
            var starts = migrators.Select(m => Task.Run(async () =>
            {
                go.Wait();
                return await m.MigrateAsync();
            })).ToList();
            go.Set();
            applied = await Task.WhenAll(starts);
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }

        // One replica applied every migration; the others took the lock after it and found nothing pending.
        await using var db = database.CreateDbContext(connectionString);
        var all = db.Database.GetMigrations().ToList();
        Assert.Single(applied, a => a.Count > 0);
        Assert.Equal(all, applied.Single(a => a.Count > 0));
        Assert.Equal(Replicas - 1, applied.Count(a => a.Count == 0));
        await AssertSchemaCompleteAsync(connectionString);
    }

    [ProviderFact]
    public async Task Four_orchestrator_hosts_starting_at_once_on_an_empty_database_all_come_up()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync();
        var hosts = Enumerable.Range(0, Replicas).Select(_ =>
        {
            var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Services.AddResolutePersistence(p =>
            {
                database.Persistence(connectionString)(p);
                p.ApplyMigrationsOnStartup();
            });
            return builder.Build();
        }).ToList();
        try
        {
            await Task.WhenAll(hosts.Select(h => Task.Run(() => h.StartAsync())));
            await Task.WhenAll(hosts.Select(h => h.StopAsync()));
        }
        finally
        {
            foreach (var host in hosts)
            {
                host.Dispose();
            }
        }

        await AssertSchemaCompleteAsync(connectionString);
    }

    [ProviderFact]
    public async Task A_first_migration_on_an_empty_database_logs_no_error()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync();
        var logs = new LogCapture();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddResolutePersistence(database.Persistence(connectionString));
        await using (var provider = services.BuildServiceProvider())
        {
            var applied = await provider.GetRequiredService<ResoluteDatabaseMigrator>().MigrateAsync();
            Assert.NotEmpty(applied);
        }

        // The capture saw the migration (EF Core's commands included), and nothing at Error or above.
        Assert.Contains(logs.Entries, e => e.Category.StartsWith("Microsoft.EntityFrameworkCore.Database.Command", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Category == typeof(ResoluteDatabaseMigrator).FullName && e.Message.Contains("applied migrations", StringComparison.Ordinal));
        var errors = logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Level} {e.Category}: {e.Message}").ToList();
        Assert.True(errors.Count == 0, "Errors logged by a first migration:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        await AssertSchemaCompleteAsync(connectionString);
    }

    private async Task AssertSchemaCompleteAsync(string connectionString)
    {
        await using var db = database.CreateDbContext(connectionString);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        var tables = await database.TableNamesAsync(connectionString);
        foreach (var table in db.Model.GetEntityTypes().Select(e => e.GetTableName()!))
        {
            Assert.Contains(tables, t => string.Equals(t, table, StringComparison.OrdinalIgnoreCase));
        }

        Assert.Equal(0, await db.FlowRuns.CountAsync());
    }
}
