using MassTransit;
using MassTransit.Saga;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Orchestration.Runs;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;
using Resolute.Persistence.Sqlite;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>The embedded default: the same saga repository on a migrated SQLite file, one message at a time.</summary>
[Trait("Area", "Engine")]
public sealed class SqliteSagaRepositoryTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("resolute-sqlite-");

    [Fact]
    public async Task Runs_start_and_count_on_a_migrated_SQLite_file()
    {
        var connectionString = $"Data Source={Path.Combine(_directory.FullName, "resolute.db")};Pooling=False";
        await using var host = await SagaTestHost.StartAsync<ResoluteDbContext>(
            p => p.UseSqlite(connectionString),
            concurrentMessageLimit: 1,
            retryLimit: 5);
        await host.Services.GetRequiredService<ResoluteDatabaseMigrator>().MigrateAsync();
        var id = NewId.NextGuid();

        await host.Harness.Bus.Publish(new CounterStarted(id, "sqlite"));
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => host.Harness.Bus.Publish(new CounterIncremented(id))));

        var run = await Poll.UntilAsync(() => host.ReadRunAsync<ResoluteDbContext>(id), r => r?.Cursor == 20, Deadline, "20 increments");
        Assert.Equal("Running", run!.CurrentState);
        Assert.Equal(20, run.Version);
        Assert.Equal(TimeSpan.Zero, run.CreatedAt.Offset);
        Assert.False(await host.Harness.Published.Any<Fault<CounterIncremented>>());

        // Reads outside of messages go through the same factory (no lock, no transaction).
        var loaded = await host.Services.GetRequiredService<ILoadSagaRepository<FlowRun>>().Load(id);
        Assert.Equal(20, loaded.Cursor);
        var found = await host.Services.GetRequiredService<IQuerySagaRepository<FlowRun>>().Find(new SagaQuery<FlowRun>(x => x.FlowName == "sqlite"));
        Assert.Equal([id], found);
    }

    [Fact]
    public async Task The_per_message_transaction_takes_SQLites_write_lock_when_it_begins()
    {
        // SQLite's "row lock" is the database write lock: a transaction begun with the provider's isolation level must
        // hold it from the start (BEGIN IMMEDIATE), so a second writer cannot read-then-write past it.
        var path = Path.Combine(_directory.FullName, "lock.db");
        var options = new DbContextOptionsBuilder<ResoluteDbContext>();
        new SqliteDatabaseProvider($"Data Source={path};Pooling=False").Configure(options);
        await using var db = new ResoluteDbContext(options.Options);
        await db.Database.MigrateAsync();

        await using var transaction = await db.Database.BeginTransactionAsync(new SqliteSagaRowLock().IsolationLevel);

        await using var other = new SqliteConnection($"Data Source={path};Pooling=False;Default Timeout=1");
        await other.OpenAsync();
        await using var begin = other.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        var busy = await Assert.ThrowsAsync<SqliteException>(() => begin.ExecuteNonQueryAsync());
        Assert.True(new SqliteSagaRowLock().IsConcurrencyConflict(busy), $"SQLite error {busy.SqliteErrorCode} is not seen as a race");
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
