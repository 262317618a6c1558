using Quartz;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.EntityFrameworkCore.RateLimits;
using Resolute.Persistence.EntityFrameworkCore.Saga;

namespace Resolute.Persistence.PostgreSql;

/// <summary>PostgreSQL as Resolute's saga database (Npgsql), with this assembly's migrations.</summary>
/// <remarks>
/// Unless the connection string sets them, Resolute's connections run with <c>No Reset On Close=true</c> (the pool does
/// not send <c>DISCARD ALL</c> with every reuse: Resolute's DbContext leaves no session state behind — no <c>SET</c>, temporary
/// table or advisory lock), <c>Max Auto Prepare=64</c> and <c>Auto Prepare Min Usages=2</c> (the handful of statements every
/// saga message runs are parsed and planned once per connection). The settings make the pool a separate one from any pool
/// of the application's that uses the same connection string.
/// </remarks>
public sealed class PostgreSqlDatabaseProvider : ResoluteDatabaseProvider
{
    private readonly Action<NpgsqlDbContextOptionsBuilder>? _configure;

    /// <summary>Creates the provider.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="configure">Further Npgsql options (command timeout, ...).</param>
    public PostgreSqlDatabaseProvider(string connectionString, Action<NpgsqlDbContextOptionsBuilder>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ConnectionString = WithDefaults(connectionString);
        _configure = configure;
    }

    /// <inheritdoc />
    public override string Name => "PostgreSQL";

    /// <summary>The connection string Resolute uses: the one given, plus the defaults above for what it does not set.</summary>
    public string ConnectionString { get; }

    /// <inheritdoc />
    public override ISagaRowLock RowLock { get; } = new PostgreSqlSagaRowLock();

    /// <inheritdoc />
    public override IOutboxRowLock OutboxLock { get; } = new PostgreSqlOutboxRowLock();

    /// <inheritdoc />
    public override IRateLimitStatement RateLimitStatement { get; } = new PostgreSqlRateLimitStatement();

    /// <inheritdoc />
    public override IMigrationLock MigrationLock { get; } = new PostgreSqlMigrationLock();

    /// <inheritdoc />
    public override void Configure(DbContextOptionsBuilder optionsBuilder)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        optionsBuilder.UseNpgsql(ConnectionString, npgsql =>
        {
            npgsql.MigrationsAssembly(typeof(PostgreSqlDatabaseProvider).Assembly.GetName().Name);

            // Our own history table: the application may keep its own EF migrations in the same database.
            npgsql.MigrationsHistoryTable(ResolutePersistenceDefaults.MigrationsHistoryTable);
            _configure?.Invoke(npgsql);
        });
    }

    private static string WithDefaults(string connectionString)
    {
        // Keys as given, so that a setting the application chose (under any of its spellings) is never overridden.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant())
            .ToHashSet(StringComparer.Ordinal);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("NORESETONCLOSE"))
        {
            builder.NoResetOnClose = true;
        }

        if (!given.Contains("MAXAUTOPREPARE"))
        {
            builder.MaxAutoPrepare = 64;
        }

        if (!given.Contains("AUTOPREPAREMINUSAGES"))
        {
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }

    /// <inheritdoc />
    public override void ConfigureScheduleStore(Quartz.IPersistentStoreBuilder store)
    {
        ArgumentNullException.ThrowIfNull(store);
        store.UsePostgres(ConnectionString);
    }
}
