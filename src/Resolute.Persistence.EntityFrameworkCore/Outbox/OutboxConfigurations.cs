using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>Maps <see cref="OutboxMessage"/> to <c>resolute_outbox</c> (explicit snake_case, like the saga table).</summary>
public sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    /// <summary>The table name.</summary>
    public const string TableName = "resolute_outbox";

    /// <inheritdoc />
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.ToTable(TableName);
        builder.HasKey(x => x.Id).HasName("pk_resolute_outbox");

        // Assigned by the emitter (NewId), never by the database: it is also the delivered MessageId.
        builder.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(x => x.RunId).HasColumnName("run_id");
        builder.Property(x => x.CreatedAt).HasColumnName("created_at");
        builder.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(16).HasConversion(new KindConverter());
        builder.Property(x => x.DestinationQueue).HasColumnName("destination_queue").HasMaxLength(256);
        builder.Property(x => x.MessageType).HasColumnName("message_type").HasMaxLength(256).IsRequired();
        builder.Property(x => x.Body).HasColumnName("body").IsRequired();

        // The sweeper claims the oldest rows first.
        builder.HasIndex(x => x.CreatedAt).HasDatabaseName("ix_resolute_outbox_created_at");
    }

    /// <summary>Stores the kind as <c>send</c> or <c>publish</c>, readable in SQL.</summary>
    private sealed class KindConverter() : ValueConverter<OutboxMessageKind, string>(
        kind => kind == OutboxMessageKind.Send ? "send" : "publish",
        value => value == "send" ? OutboxMessageKind.Send : OutboxMessageKind.Publish);
}
