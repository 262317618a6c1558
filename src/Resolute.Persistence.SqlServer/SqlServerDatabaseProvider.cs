using Quartz;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.EntityFrameworkCore.RateLimits;
using Resolute.Persistence.EntityFrameworkCore.Saga;

namespace Resolute.Persistence.SqlServer;

/// <summary>SQL Server as Resolute's saga database, with this assembly's migrations.</summary>
public sealed class SqlServerDatabaseProvider : ResoluteDatabaseProvider
{
    private readonly Action<SqlServerDbContextOptionsBuilder>? _configure;

    /// <summary>Creates the provider.</summary>
    /// <param name="connectionString">A SQL Server connection string.</param>
    /// <param name="configure">Further SQL Server options (command timeout, ...).</param>
    public SqlServerDatabaseProvider(string connectionString, Action<SqlServerDbContextOptionsBuilder>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ConnectionString = connectionString;
        _configure = configure;
    }

    /// <summary>The connection string Resolute uses (also for the schedules' job store).</summary>
    public string ConnectionString { get; }

    /// <inheritdoc />
    public override string Name => "SQL Server";

    /// <inheritdoc />
    public override ISagaRowLock RowLock { get; } = new SqlServerSagaRowLock();

    /// <inheritdoc />
    public override IOutboxRowLock OutboxLock { get; } = new SqlServerOutboxRowLock();

    /// <inheritdoc />
    public override IRateLimitStatement RateLimitStatement { get; } = new SqlServerRateLimitStatement();

    /// <inheritdoc />
    public override IMigrationLock MigrationLock { get; } = new SqlServerMigrationLock();

    /// <inheritdoc />
    public override void Configure(DbContextOptionsBuilder optionsBuilder)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        optionsBuilder.UseSqlServer(ConnectionString, sqlServer =>
        {
            sqlServer.MigrationsAssembly(typeof(SqlServerDatabaseProvider).Assembly.GetName().Name);
            sqlServer.MigrationsHistoryTable(ResolutePersistenceDefaults.MigrationsHistoryTable);

            // A saga message writes a few rows (run, history, outbox): one batch, one round trip, however few.
            sqlServer.MinBatchSize(1);
            _configure?.Invoke(sqlServer);
        });
    }

    /// <inheritdoc />
    public override void ConfigureScheduleStore(Quartz.IPersistentStoreBuilder store)
    {
        ArgumentNullException.ThrowIfNull(store);
        store.UseSqlServer(ConnectionString);
    }
}
