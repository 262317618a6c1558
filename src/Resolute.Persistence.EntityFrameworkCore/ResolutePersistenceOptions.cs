using Microsoft.EntityFrameworkCore;

namespace Resolute.Persistence.EntityFrameworkCore;

/// <summary>Resolute's persistence settings, as built by <see cref="ResolutePersistenceBuilder"/>.</summary>
public sealed class ResolutePersistenceOptions
{
    private readonly List<Action<DbContextOptionsBuilder>> _dbContextConfigurations = [];

    /// <summary>Creates options for <paramref name="dbContextType"/>.</summary>
    /// <param name="dbContextType">The DbContext holding the saga tables.</param>
    public ResolutePersistenceOptions(Type dbContextType)
    {
        ArgumentNullException.ThrowIfNull(dbContextType);
        if (!typeof(DbContext).IsAssignableFrom(dbContextType))
        {
            throw new ArgumentException($"{dbContextType.Name} is not a DbContext.", nameof(dbContextType));
        }

        DbContextType = dbContextType;
    }

    /// <summary>The DbContext holding the saga tables (normally <see cref="ResoluteDbContext"/>).</summary>
    public Type DbContextType { get; }

    /// <summary>The database; required.</summary>
    public ResoluteDatabaseProvider? Provider { get; set; }

    /// <summary>
    /// Whether the host applies pending migrations when it starts, before any hosted service (the bus included) starts.
    /// Replicas starting together migrate one after another under a database lock (<see cref="ResoluteDatabaseProvider.MigrationLock"/>),
    /// so they all come up. Default false.
    /// </summary>
    public bool ApplyMigrationsOnStartup { get; set; }

    /// <summary>Extra DbContext configuration (logging, interceptors), applied after the provider's.</summary>
    public IReadOnlyList<Action<DbContextOptionsBuilder>> DbContextConfigurations => _dbContextConfigurations;

    internal void AddDbContextConfiguration(Action<DbContextOptionsBuilder> configure) => _dbContextConfigurations.Add(configure);
}
