using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Resolute.Orchestration.Runs;
using Resolute.Persistence.EntityFrameworkCore.Configuration;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.EntityFrameworkCore.RateLimits;

namespace Resolute.Persistence.EntityFrameworkCore;

/// <summary>
/// The saga database of Resolute: one row per run in <c>resolute_flow_runs</c>, and the transactional outbox
/// (<c>resolute_outbox</c>), the history of ended attempts (<c>resolute_node_executions</c>) and the rate limiters
/// (<c>resolute_rate_limits</c>) that commit in the same transaction as the saga.
/// </summary>
/// <remarks>
/// The provider (PostgreSQL, SQL Server, SQLite) and its migrations assembly are chosen by the options, normally through
/// <see cref="ResolutePersistenceServiceCollectionExtensions.AddResolutePersistence(Microsoft.Extensions.DependencyInjection.IServiceCollection, System.Action{ResolutePersistenceBuilder})"/>.
/// </remarks>
public class ResoluteDbContext : DbContext
{
    /// <summary>The EF Core provider name of SQLite, which needs its own date-time storage.</summary>
    internal const string SqliteProviderName = "Microsoft.EntityFrameworkCore.Sqlite";

    /// <summary>Creates the context with its options (provider, connection, migrations assembly).</summary>
    public ResoluteDbContext(DbContextOptions<ResoluteDbContext> options)
        : base(options)
    {
    }

    /// <summary>For contexts that derive from this one (tests, applications adding their own tables).</summary>
    protected ResoluteDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <summary>The saga instances, one per run.</summary>
    public DbSet<FlowRun> FlowRuns => Set<FlowRun>();

    /// <summary>Commands and events the saga emitted that have not been delivered yet.</summary>
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    /// <summary>The runs' ended node attempts (history), one row each.</summary>
    public DbSet<NodeExecution> NodeExecutions => Set<NodeExecution>();

    /// <summary>The rate limiters' next free start times, one row per limiter.</summary>
    public DbSet<RateLimiterState> RateLimiters => Set<RateLimiterState>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        base.OnModelCreating(modelBuilder);
        modelBuilder.ApplyConfiguration(new FlowRunConfiguration());
        modelBuilder.ApplyConfiguration(new OutboxMessageConfiguration());
        modelBuilder.ApplyConfiguration(new NodeExecutionConfiguration());
        modelBuilder.ApplyConfiguration(new RateLimiterStateConfiguration());
    }

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        base.ConfigureConventions(configurationBuilder);

        if (Database.ProviderName == SqliteProviderName)
        {
            // SQLite has no date-time type and EF cannot compare or order DateTimeOffset stored as text:
            // UTC ticks in an INTEGER keep "next_wake_at <= now" and ORDER BY in SQL.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        }
        else
        {
            // Npgsql refuses DateTimeOffset values with a non-zero offset for timestamptz; storing UTC everywhere
            // also keeps the providers alike.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
        }
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        value => value.UtcTicks,
        ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

    private sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
        value => value.ToUniversalTime(),
        value => value.ToUniversalTime());
}
