using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Resolute.Persistence.EntityFrameworkCore.RateLimits;

namespace Resolute.Persistence.EntityFrameworkCore.Configuration;

/// <summary>Maps <see cref="RateLimiterState"/> to <c>resolute_rate_limits</c>: one row per limiter, written only by <see cref="IRateLimitStatement"/>.</summary>
public sealed class RateLimiterStateConfiguration : IEntityTypeConfiguration<RateLimiterState>
{
    /// <summary>The table name.</summary>
    public const string TableName = "resolute_rate_limits";

    /// <inheritdoc />
    public void Configure(EntityTypeBuilder<RateLimiterState> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ToTable(TableName);
        builder.HasKey(x => x.LimiterKey).HasName("pk_resolute_rate_limits");
        builder.Property(x => x.LimiterKey).HasColumnName("limiter_key").HasMaxLength(450);
        builder.Property(x => x.NextStartTicks).HasColumnName("next_start_ticks");
    }
}
