using MassTransit;
using MassTransit.Saga;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Orchestration.Runs;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;
using Resolute.Persistence.Sqlite;
using Xunit.Abstractions;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// The embedded default: the same saga repository on a migrated SQLite file (<see cref="SagaRepositorySuite{TDatabase}"/>),
/// its writers taking turns — and what only SQLite has: the write lock taken when the transaction begins, the turns of
/// one process, the connection pragmas.
/// </summary>
[Trait("Area", "Engine")]
public sealed class SqliteSagaRepositoryTests(SqliteProviderFixture database, ITestOutputHelper output)
    : SagaRepositorySuite<SqliteProviderFixture>(database, output), IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("resolute-sqlite-");

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

    [Fact]
    public async Task Several_messages_at_once_take_turns_to_write_and_every_increment_is_counted_without_a_retry()
    {
        var file = Path.Combine(_directory.FullName, "turns.db");
        var transactions = new TransactionProbe();
        await using var host = await SagaTestHost.StartAsync<ResoluteDbContext>(
            p => p.UseSqlite($"Data Source={file}").ConfigureDbContext(o => o.AddInterceptors(transactions)),
            concurrentMessageLimit: 8,
            retryLimit: 5);
        await host.Services.GetRequiredService<ResoluteDatabaseMigrator>().MigrateAsync();
        var id = NewId.NextGuid();
        await host.Harness.Bus.Publish(new CounterStarted(id, "turns"));
        await Poll.UntilAsync(() => host.ReadRunAsync<ResoluteDbContext>(id), r => r is not null, Deadline, "the run's row");

        // This process holds the file's turn (through another spelling of its path): no message may begin its transaction.
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, file);
        var options = new DbContextOptionsBuilder<ResoluteDbContext>();
        new SqliteDatabaseProvider($"Data Source={relative};Cache=Private").Configure(options);
        await using var other = new ResoluteDbContext(options.Options);
        var started = transactions.Started;
        var turn = await new SqliteSagaRowLock().EnterWriterAsync(other, CancellationToken.None);
        Assert.NotNull(turn);
        var received = new ReceiveCounter();
        using (host.Harness.Bus.ConnectReceiveObserver(received))
        using (turn)
        {
            await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => host.Harness.Bus.Publish(new CounterIncremented(id))));

            // A full endpoint's worth of messages is in flight, and none of them got to begin.
            await Poll.UntilAsync(() => Task.FromResult(received.Count), n => n >= 8, Deadline, "8 messages in flight");
            Assert.Equal(started, transactions.Started);
        }

        var run = await Poll.UntilAsync(() => host.ReadRunAsync<ResoluteDbContext>(id), r => r?.Cursor == 50, Deadline, "50 increments");
        Assert.Equal(50, run!.Version);
        Assert.Equal(0, host.Retries.Count);
        Assert.Equal(1, transactions.MostAtOnce);
        Assert.False(await host.Harness.Published.Any<Fault<CounterIncremented>>());
    }

    [Fact]
    public async Task The_connection_pragmas_are_sent_once_per_native_connection_not_at_every_open()
    {
        var options = new DbContextOptionsBuilder<ResoluteDbContext>();
        new SqliteDatabaseProvider($"Data Source={Path.Combine(_directory.FullName, "pragmas.db")}").Configure(options);
        await using (var db = new ResoluteDbContext(options.Options))
        {
            await db.Database.MigrateAsync();
            Assert.Equal("wal", await PragmaAsync(db, "journal_mode"));
        }

        // The pooled native connection got its settings once; changed behind our back, it keeps the change on reopening.
        Assert.Equal("10000", await BusyTimeoutAsync(options.Options, change: true));
        Assert.Equal("1", await BusyTimeoutAsync(options.Options, change: false));

        // A new native connection gets them again.
        SqliteConnection.ClearAllPools();
        Assert.Equal("10000", await BusyTimeoutAsync(options.Options, change: false));

        static async Task<string> BusyTimeoutAsync(DbContextOptions<ResoluteDbContext> options, bool change)
        {
            await using var db = new ResoluteDbContext(options);
            var value = await PragmaAsync(db, "busy_timeout");
            if (change)
            {
                await PragmaAsync(db, "busy_timeout=1");
            }

            return value;
        }

        static async Task<string> PragmaAsync(ResoluteDbContext db, string pragma)
        {
            await db.Database.OpenConnectionAsync();
            try
            {
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = $"PRAGMA {pragma}";
                return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>One process's writers take turns: one load at a time, none of them conflicting, so no retry.</summary>
    protected override void AssertHowSimultaneousWritersMet(InstrumentedRowLock rowLock, RetryCounter retries)
    {
        Assert.Equal(1, rowLock.MaxConcurrentLoads);
        Assert.Equal(0, retries.Count);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    /// <summary>Counts transactions begun, and the most open at once.</summary>
    private sealed class TransactionProbe : Microsoft.EntityFrameworkCore.Diagnostics.DbTransactionInterceptor
    {
        private int _open;
        private int _mostAtOnce;
        private int _started;

        public int Started => Volatile.Read(ref _started);

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public override ValueTask<System.Data.Common.DbTransaction> TransactionStartedAsync(
            System.Data.Common.DbConnection connection,
            Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData,
            System.Data.Common.DbTransaction result,
            CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _started);
            var open = Interlocked.Increment(ref _open);
            int most;
            while (open > (most = Volatile.Read(ref _mostAtOnce)) && Interlocked.CompareExchange(ref _mostAtOnce, open, most) != most)
            {
            }

            return ValueTask.FromResult(result);
        }

        public override Task TransactionCommittedAsync(
            System.Data.Common.DbTransaction transaction,
            Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData,
            CancellationToken cancellationToken = default)
        {
            Interlocked.Decrement(ref _open);
            return Task.CompletedTask;
        }

        public override Task TransactionRolledBackAsync(
            System.Data.Common.DbTransaction transaction,
            Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData,
            CancellationToken cancellationToken = default)
        {
            Interlocked.Decrement(ref _open);
            return Task.CompletedTask;
        }
    }

    /// <summary>Counts messages the endpoint received (before any of its pipeline ran).</summary>
    private sealed class ReceiveCounter : IReceiveObserver
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task PreReceive(ReceiveContext context)
        {
            Interlocked.Increment(ref _count);
            return Task.CompletedTask;
        }

        public Task PostReceive(ReceiveContext context) => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
            where T : class => Task.CompletedTask;

        public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
            where T : class => Task.CompletedTask;

        public Task ReceiveFault(ReceiveContext context, Exception exception) => Task.CompletedTask;
    }
}
