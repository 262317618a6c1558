using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Resolute.Persistence.EntityFrameworkCore.Saga;

namespace Resolute.Persistence.EntityFrameworkCore;

/// <summary>Registers Resolute's saga database.</summary>
public static class ResolutePersistenceServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ResoluteDbContext"/> (scoped: one per message), the provider's row lock and
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

        services.AddDbContext<TDbContext>(builder =>
        {
            provider.Configure(builder);
            foreach (var configureDbContext in options.DbContextConfigurations)
            {
                configureDbContext(builder);
            }
        });

        // Several locks may be registered (one per provider); the repository picks the one matching the DbContext.
        services.AddSingleton(provider.RowLock);
        services.AddSingleton(options);
        services.TryAddSingleton<ResoluteDatabaseMigrator>();
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
}
