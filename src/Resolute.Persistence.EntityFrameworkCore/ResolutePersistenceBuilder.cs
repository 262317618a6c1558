using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Resolute.Persistence.EntityFrameworkCore;

/// <summary>
/// Configures Resolute's persistence: <c>UsePostgres(connectionString)</c>, <c>UseSqlServer(connectionString)</c> or
/// <c>UseSqlite(connectionString)</c> (from the provider packages), and <see cref="ApplyMigrationsOnStartup"/>.
/// </summary>
public sealed class ResolutePersistenceBuilder
{
    internal ResolutePersistenceBuilder(IServiceCollection services, ResolutePersistenceOptions options)
    {
        Services = services;
        Options = options;
    }

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The options being built.</summary>
    public ResolutePersistenceOptions Options { get; }

    /// <summary>Uses <paramref name="provider"/> as the saga database (the provider packages' <c>Use...</c> methods call this).</summary>
    /// <param name="provider">The database provider.</param>
    /// <returns>This builder.</returns>
    public ResolutePersistenceBuilder UseProvider(ResoluteDatabaseProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (Options.Provider is not null && Options.Provider.GetType() != provider.GetType())
        {
            throw new InvalidOperationException(
                $"Resolute's saga database is already configured as {Options.Provider.Name}; it cannot also be {provider.Name}.");
        }

        Options.Provider = provider;
        return this;
    }

    /// <summary>Applies pending EF Core migrations when the host starts, before the bus starts.</summary>
    /// <param name="enabled">False turns it off again.</param>
    /// <returns>This builder.</returns>
    public ResolutePersistenceBuilder ApplyMigrationsOnStartup(bool enabled = true)
    {
        Options.ApplyMigrationsOnStartup = enabled;
        return this;
    }

    /// <summary>
    /// Adds DbContext configuration (logging, interceptors) applied after the provider's. The contexts are pooled, so this
    /// runs once, not per message: interceptors must be safe to share between contexts (stateless or thread-safe).
    /// </summary>
    /// <param name="configure">The configuration.</param>
    /// <returns>This builder.</returns>
    public ResolutePersistenceBuilder ConfigureDbContext(Action<DbContextOptionsBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Options.AddDbContextConfiguration(configure);
        return this;
    }
}
