using Microsoft.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.EntityFrameworkCore.RateLimits;
using Resolute.Persistence.EntityFrameworkCore.Saga;

namespace Resolute.Persistence.EntityFrameworkCore;

/// <summary>
/// A database Resolute can keep its saga state in. The provider packages supply one each (<c>UsePostgres</c> in
/// Resolute.Persistence.PostgreSql, <c>UseSqlServer</c> in Resolute.Persistence.SqlServer, <c>UseSqlite</c> in
/// Resolute.Persistence.Sqlite), so an application references only the driver it uses.
/// </summary>
public abstract class ResoluteDatabaseProvider
{
    /// <summary>A display name, e.g. <c>PostgreSQL</c>.</summary>
    public abstract string Name { get; }

    /// <summary>How the saga repository locks an instance's row on this database.</summary>
    public abstract ISagaRowLock RowLock { get; }

    /// <summary>How the transactional outbox claims rows for delivery on this database.</summary>
    public abstract IOutboxRowLock OutboxLock { get; }

    /// <summary>How rate limiters reserve start slots on this database.</summary>
    public abstract IRateLimitStatement RateLimitStatement { get; }

    /// <summary>The lock that lets one replica at a time migrate this database (<see cref="ResoluteDatabaseMigrator"/>).</summary>
    public abstract IMigrationLock MigrationLock { get; }

    /// <summary>
    /// The most saga messages the orchestrator should handle at once on this database, or <see langword="null"/> for no
    /// limit of its own. SQLite says 4: it takes one writer at a time, so more messages in flight would only wait for their turn.
    /// </summary>
    public virtual int? MaxConcurrentSagaMessages => null;

    /// <summary>Chooses the EF Core provider, the connection and the assembly that holds this provider's migrations.</summary>
    /// <param name="optionsBuilder">The DbContext options being built.</param>
    public abstract void Configure(DbContextOptionsBuilder optionsBuilder);

    /// <summary>
    /// Whether orchestrator replicas share this database, so that the schedule runner runs as a Quartz cluster (each tick
    /// fired by one replica). False for SQLite: one orchestrator process per file.
    /// </summary>
    public virtual bool SharedByReplicas => true;

    /// <summary>Points Quartz's ADO job store (the orchestrator's schedule runner, tables <c>resolute_qrtz_*</c>) at this database.</summary>
    /// <param name="store">The job store being configured.</param>
    public abstract void ConfigureScheduleStore(Quartz.IPersistentStoreBuilder store);
}
