using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
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
    /// <returns>
    /// The migrations that were pending (empty when the database was up to date). When replicas migrate at once, each
    /// migration is applied once: EF Core applies it under its migration lock, and a replica that loses a race part-way
    /// (see remarks) finds the rest applied by another.
    /// </returns>
    /// <remarks>
    /// With several pending migrations, EF Core commits each in its own transaction and, on PostgreSQL, releases its
    /// (transaction-scoped) migration lock in between without reading the history again — so a replica can try to apply a
    /// migration another replica has just applied. That attempt fails (a duplicate table, and in any case a duplicate
    /// history key) and rolls back; the migrator then reads the history again and carries on with what is still pending.
    /// </remarks>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        const int MaxAttempts = 10;
        var started = Stopwatch.GetTimestamp();
        var pending = await PendingAsync(cancellationToken).ConfigureAwait(false);
        if (pending.Count == 0)
        {
            LogUpToDate(_options.DbContextType.Name);
            return [];
        }

        var before = pending.Count;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var scope = _scopeFactory.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    var dbContext = (DbContext)scope.ServiceProvider.GetRequiredService(_options.DbContextType);
                    await dbContext.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
                }

                break;
            }
            catch (Exception exception) when (attempt < MaxAttempts && !cancellationToken.IsCancellationRequested)
            {
                // Another replica progressed meanwhile: continue from what is left; anything else is a real failure.
                var left = await PendingAsync(cancellationToken).ConfigureAwait(false);
                if (left.Count >= before)
                {
                    throw;
                }

                LogRaceLost(exception, _options.DbContextType.Name, left.Count);
                if (left.Count == 0)
                {
                    break;
                }

                before = left.Count;
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        LogApplied(_options.DbContextType.Name, pending, elapsed.TotalMilliseconds);
        return pending;
    }

    private async Task<List<string>> PendingAsync(CancellationToken cancellationToken)
    {
        var scope = _scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var dbContext = (DbContext)scope.ServiceProvider.GetRequiredService(_options.DbContextType);
            return (await dbContext.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
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

    [LoggerMessage(Level = LogLevel.Information, Message = "{DbContext}: another replica applied a migration at the same time; {Left} still pending, continuing")]
    private partial void LogRaceLost(Exception exception, string dbContext, int left);

    [LoggerMessage(Level = LogLevel.Information, Message = "{DbContext}: applied migrations {Migrations} in {ElapsedMs:0} ms")]
    private partial void LogApplied(string dbContext, IReadOnlyList<string> migrations, double elapsedMs);
}
