using Quartz;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.EntityFrameworkCore.RateLimits;
using Resolute.Persistence.EntityFrameworkCore.Saga;

namespace Resolute.Persistence.Sqlite;

/// <summary>SQLite as Resolute's saga database (the embedded default), with this assembly's migrations.</summary>
public sealed class SqliteDatabaseProvider : ResoluteDatabaseProvider
{
    private readonly Action<SqliteDbContextOptionsBuilder>? _configure;

    /// <summary>Creates the provider.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=resolute.db</c>.</param>
    /// <param name="configure">Further SQLite options.</param>
    public SqliteDatabaseProvider(string connectionString, Action<SqliteDbContextOptionsBuilder>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ConnectionString = connectionString;
        _configure = configure;
    }

    /// <summary>The connection string Resolute uses (also for the schedules' job store).</summary>
    public string ConnectionString { get; }

    /// <inheritdoc />
    public override string Name => "SQLite";

    /// <inheritdoc />
    public override ISagaRowLock RowLock { get; } = new SqliteSagaRowLock();

    /// <inheritdoc />
    public override IOutboxRowLock OutboxLock { get; } = new SqliteOutboxRowLock();

    /// <inheritdoc />
    public override IRateLimitStatement RateLimitStatement { get; } = new SqliteRateLimitStatement();

    /// <inheritdoc />
    public override IMigrationLock MigrationLock { get; } = new SqliteMigrationLock();

    /// <summary>
    /// Four: SQLite has a single writer, and the writers of this process take turns before they begin
    /// (<see cref="SqliteSagaRowLock.EnterWriterAsync"/>), so one message writes at a time while the others are received,
    /// deserialised, or deliver their commands after their commit. More in flight would only wait for a turn.
    /// </summary>
    public override int? MaxConcurrentSagaMessages => 4;

    /// <inheritdoc />
    public override void Configure(DbContextOptionsBuilder optionsBuilder)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        optionsBuilder.UseSqlite(ConnectionString, sqlite =>
        {
            sqlite.MigrationsAssembly(typeof(SqliteDatabaseProvider).Assembly.GetName().Name);
            sqlite.MigrationsHistoryTable(ResolutePersistenceDefaults.MigrationsHistoryTable);
            _configure?.Invoke(sqlite);
        });
        optionsBuilder.AddInterceptors(new SqliteConnectionPragmas());
    }

    /// <inheritdoc />
    public override void ConfigureScheduleStore(Quartz.IPersistentStoreBuilder store)
    {
        ArgumentNullException.ThrowIfNull(store);
        store.UseSqlite(ConnectionString);
    }

    /// <inheritdoc />
    public override bool SharedByReplicas => false;
}
