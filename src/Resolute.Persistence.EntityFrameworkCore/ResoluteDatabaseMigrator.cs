using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Resolute.Persistence.EntityFrameworkCore;

/// <summary>
/// Applies Resolute's EF Core migrations. As a hosted service (<see cref="ResolutePersistenceBuilder.ApplyMigrationsOnStartup"/>)
/// it migrates in <see cref="StartingAsync"/>, which the host runs before any hosted service's StartAsync — so the bus
/// never consumes into a missing table, whatever the registration order. A CLI calls <see cref="MigrateAsync"/>.
/// </summary>
public sealed partial class ResoluteDatabaseMigrator : IHostedLifecycleService
{
    private readonly IServiceScopeFactory _scopeFactory;
    private readonly ResolutePersistenceOptions _options;
    private readonly ILogger<ResoluteDatabaseMigrator> _logger;

    /// <summary>Created by DI.</summary>
    /// <param name="scopeFactory">Creates the scope the DbContext is resolved in.</param>
    /// <param name="options">Which DbContext to migrate.</param>
    /// <param name="logger">Logs what was applied.</param>
    public ResoluteDatabaseMigrator(IServiceScopeFactory scopeFactory, ResolutePersistenceOptions options, ILogger<ResoluteDatabaseMigrator> logger)
    {
        ArgumentNullException.ThrowIfNull(scopeFactory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _scopeFactory = scopeFactory;
        _options = options;
        _logger = logger;
    }

    /// <summary>Applies every pending migration; does nothing when the database is up to date.</summary>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>The migrations this call applied (empty when the database was up to date, or another replica applied them).</returns>
    /// <remarks>
    /// <para>
    /// Replicas starting at once migrate one after another: each takes the database's migration lock
    /// (<see cref="ResoluteDatabaseProvider.MigrationLock"/>), and only then reads which migrations are applied and applies
    /// the rest — so the first applies everything and the others find nothing pending. The lock is held until the last
    /// migration committed (EF Core's own lock is released between migrations on PostgreSQL).
    /// </para>
    /// <para>
    /// Under the lock, the migrations history table is created when it is missing (<c>CREATE TABLE IF NOT EXISTS</c> or the
    /// provider's equivalent) before anything reads it, so a first start on an empty database logs no failed command. A
    /// database that does not exist at all is created, as EF Core's <c>MigrateAsync</c> does: under the lock where the lock
    /// does not need it (SQLite), before taking the lock where the lock lives in it (PostgreSQL, SQL Server).
    /// </para>
    /// </remarks>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var provider = _options.Provider ?? throw new InvalidOperationException(
            "Resolute's persistence has no database provider: call UsePostgres, UseSqlServer or UseSqlite (or UseProvider).");
        var started = Stopwatch.GetTimestamp();
        var scope = _scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var dbContext = (DbContext)scope.ServiceProvider.GetRequiredService(_options.DbContextType);
            var held = await AcquireLockAsync(provider.MigrationLock, dbContext, cancellationToken).ConfigureAwait(false);
            await using (held.ConfigureAwait(false))
            {
                // Under the lock where the lock does not live in the database (SQLite's per-file gate): first opens of a new
                // file by several migrators at once race on its journal mode.
                await CreateDatabaseIfMissingAsync(dbContext, cancellationToken).ConfigureAwait(false);
                var waited = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                LogLockTaken(_options.DbContextType.Name, waited);

                // Before anything reads the history: reading a history table that does not exist is a failed command,
                // which EF Core logs as an error (on PostgreSQL), although it is what every first start meets.
                await dbContext.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);

                var pending = (await dbContext.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
                if (pending.Count == 0)
                {
                    LogUpToDate(_options.DbContextType.Name);
                    return [];
                }

                await dbContext.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                LogApplied(_options.DbContextType.Name, pending, elapsed);
                return pending;
            }
        }
    }

    /// <summary>
    /// Takes the migration lock. A lock that lives in the database (PostgreSQL's advisory lock, SQL Server's applock) cannot
    /// be taken before the database exists: then the database is created first, and the lock taken again.
    /// </summary>
    private static async Task<IAsyncDisposable> AcquireLockAsync(IMigrationLock migrationLock, DbContext dbContext, CancellationToken cancellationToken)
    {
        System.Runtime.ExceptionServices.ExceptionDispatchInfo failure;
        try
        {
            return await migrationLock.AcquireAsync(dbContext, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(exception);
        }

        if (await dbContext.GetService<IRelationalDatabaseCreator>().ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            failure.Throw();
        }

        await CreateDatabaseIfMissingAsync(dbContext, cancellationToken).ConfigureAwait(false);
        return await migrationLock.AcquireAsync(dbContext, cancellationToken).ConfigureAwait(false);
    }

    private static async Task CreateDatabaseIfMissingAsync(DbContext dbContext, CancellationToken cancellationToken)
    {
        var creator = dbContext.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await creator.CreateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Another replica may have created it a moment earlier: then carry on; otherwise the failure is real.
            if (!await creator.ExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                throw;
            }
        }
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => MigrateAsync(cancellationToken);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "{DbContext}: database schema is up to date")]
    private partial void LogUpToDate(string dbContext);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{DbContext}: took the migration lock after {ElapsedMs:0} ms")]
    private partial void LogLockTaken(string dbContext, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{DbContext}: applied migrations {Migrations} in {ElapsedMs:0} ms")]
    private partial void LogApplied(string dbContext, IReadOnlyList<string> migrations, double elapsedMs);
}
