using Microsoft.EntityFrameworkCore;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.EntityFrameworkCore.Saga;

namespace Resolute.Persistence.PostgreSql;

/// <summary>PostgreSQL as Resolute's saga database (Npgsql), with this assembly's migrations.</summary>
public sealed class PostgreSqlDatabaseProvider : ResoluteDatabaseProvider
{
    private readonly string _connectionString;
    private readonly Action<NpgsqlDbContextOptionsBuilder>? _configure;

    /// <summary>Creates the provider.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="configure">Further Npgsql options (command timeout, ...).</param>
    public PostgreSqlDatabaseProvider(string connectionString, Action<NpgsqlDbContextOptionsBuilder>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = connectionString;
        _configure = configure;
    }

    /// <inheritdoc />
    public override string Name => "PostgreSQL";

    /// <inheritdoc />
    public override ISagaRowLock RowLock { get; } = new PostgreSqlSagaRowLock();

    /// <inheritdoc />
    public override IOutboxRowLock OutboxLock { get; } = new PostgreSqlOutboxRowLock();

    /// <inheritdoc />
    public override void Configure(DbContextOptionsBuilder optionsBuilder)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        optionsBuilder.UseNpgsql(_connectionString, npgsql =>
        {
            npgsql.MigrationsAssembly(typeof(PostgreSqlDatabaseProvider).Assembly.GetName().Name);

            // Our own history table: the application may keep its own EF migrations in the same database.
            npgsql.MigrationsHistoryTable(ResolutePersistenceDefaults.MigrationsHistoryTable);
            _configure?.Invoke(npgsql);
        });
    }
}
