using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Resolute.Orchestration.RateLimits;
using Resolute.Orchestration.Sagas;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.EntityFrameworkCore.RateLimits;
using Resolute.Persistence.EntityFrameworkCore.Runs;
using Resolute.Persistence.EntityFrameworkCore.Saga;

namespace Resolute.Persistence.EntityFrameworkCore;

/// <summary>Registers Resolute's saga database.</summary>
public static class ResolutePersistenceServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ResoluteDbContext"/> (pooled, leased per scope: one per message), the provider's row locks (saga and outbox) and
    /// <see cref="ResoluteDatabaseMigrator"/>:
    /// <code>
    /// services.AddResolutePersistence(p => p.UsePostgres(connectionString).ApplyMigrationsOnStartup());
    /// </code>
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Chooses the database and options.</param>
    /// <returns>The options built.</returns>
    public static ResolutePersistenceOptions AddResolutePersistence(this IServiceCollection services, Action<ResolutePersistenceBuilder> configure) =>
        services.AddResolutePersistence<ResoluteDbContext>(configure);

    /// <summary>As <see cref="AddResolutePersistence(IServiceCollection, Action{ResolutePersistenceBuilder})"/>, for another DbContext.</summary>
    /// <typeparam name="TDbContext">The DbContext holding the saga tables; needs a constructor taking its options.</typeparam>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Chooses the database and options.</param>
    /// <returns>The options built.</returns>
    public static ResolutePersistenceOptions AddResolutePersistence<TDbContext>(this IServiceCollection services, Action<ResolutePersistenceBuilder> configure)
        where TDbContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        var options = new ResolutePersistenceOptions(typeof(TDbContext));
        configure(new ResolutePersistenceBuilder(services, options));
        var provider = options.Provider ?? throw new InvalidOperationException(
            "Resolute's saga database is not chosen: call UsePostgres(...), UseSqlServer(...) or UseSqlite(...) "
            + "(packages Resolute.Persistence.PostgreSql, .SqlServer, .Sqlite) inside AddResolutePersistence.");

        // Pooled: a message leases a context that is reset and reused, instead of building a new context and its options
        // (provider, interceptors, service lookup) per message. Scoped resolution stays: one lease per message scope.
        services.AddDbContextPool<TDbContext>((serviceProvider, builder) =>
        {
            provider.Configure(builder);
            foreach (var configureDbContext in options.DbContextConfigurations)
            {
                configureDbContext(builder);
            }

            // Registered by AddResoluteOutbox: calls the outbox's BeforeCommit test hook when one is set.
            if (serviceProvider.GetService<OutboxCommitInterceptor>() is { } outboxInterceptor)
            {
                builder.AddInterceptors(outboxInterceptor);
            }
        });

        // Several locks may be registered (one per provider); the repository and the outbox pick the one matching the DbContext.
        services.AddSingleton(provider.RowLock);
        services.AddSingleton(provider.OutboxLock);
        services.AddSingleton(provider.RateLimitStatement);
        services.AddSingleton(options);
        services.TryAddSingleton<ResoluteDatabaseMigrator>();

        // The saga's ended attempts are rows of this database, written in the saga's transaction.
        services.TryAddSingleton<IFlowRunHistory, EfFlowRunHistory>();

        // Rate limiters reserve start slots in the same transaction, on the same connection.
        services.TryAddSingleton<IRateLimitLedger, EfRateLimitLedger>();
        if (options.ApplyMigrationsOnStartup)
        {
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ResoluteDatabaseMigrator>());
        }

        return options;
    }

    /// <summary>
    /// Registers a row lock for a DbContext configured elsewhere (your own <c>AddDbContext</c>). The last lock registered
    /// for a provider wins.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="rowLock">The lock.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddResoluteSagaRowLock(this IServiceCollection services, ISagaRowLock rowLock)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(rowLock);
        return services.AddSingleton(rowLock);
    }

    /// <summary>
    /// Registers an outbox row lock for a DbContext configured elsewhere (your own <c>AddDbContext</c>). The last lock
    /// registered for a provider wins.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="rowLock">The lock.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddResoluteOutboxRowLock(this IServiceCollection services, IOutboxRowLock rowLock)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(rowLock);
        return services.AddSingleton(rowLock);
    }
}
