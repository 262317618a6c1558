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
    /// The migrations that were pending (empty when the database was up to date). When replicas migrate at once, EF Core's
    /// migration lock lets one apply them; the others find them applied.
    /// </returns>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var scope = _scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var dbContext = (DbContext)scope.ServiceProvider.GetRequiredService(_options.DbContextType);
            var started = Stopwatch.GetTimestamp();
            var pending = (await dbContext.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
            if (pending.Count == 0)
            {
                LogUpToDate(_options.DbContextType.Name);
                return [];
            }

            // Migrate re-reads the history under EF Core's migration lock, so a replica that lost the race applies nothing.
            await dbContext.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            LogApplied(_options.DbContextType.Name, pending, elapsed.TotalMilliseconds);
            return pending;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "{DbContext}: applied migrations {Migrations} in {ElapsedMs:0} ms")]
    private partial void LogApplied(string dbContext, IReadOnlyList<string> migrations, double elapsedMs);
}
