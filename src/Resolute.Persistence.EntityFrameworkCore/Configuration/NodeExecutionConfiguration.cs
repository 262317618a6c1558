using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Resolute.Contracts;
using Resolute.Orchestration.Runs;
using Resolute.Serialization;

namespace Resolute.Persistence.EntityFrameworkCore.Configuration;

/// <summary>
/// Maps <see cref="NodeExecution"/> to <c>resolute_node_executions</c>: one row per ended attempt (the run's history),
/// inserted in the saga's transaction; never updated. Open attempts live on the run row until they end.
/// </summary>
public sealed class NodeExecutionConfiguration : IEntityTypeConfiguration<NodeExecution>
{
    /// <summary>The table name.</summary>
    public const string TableName = "resolute_node_executions";

    /// <inheritdoc />
    public void Configure(EntityTypeBuilder<NodeExecution> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.ToTable(TableName);
        builder.HasKey(x => x.ExecutionId).HasName("pk_resolute_node_executions");
        builder.Property(x => x.ExecutionId).HasColumnName("execution_id").ValueGeneratedNever();
        builder.Property(x => x.RunId).HasColumnName("run_id");
        builder.Property(x => x.Sequence).HasColumnName("sequence");
        builder.Property(x => x.NodeName).HasColumnName("node_name").HasMaxLength(200).IsRequired();
        builder.Property(x => x.StepName).HasColumnName("step_name").HasMaxLength(200).IsRequired();
        builder.Property(x => x.Attempt).HasColumnName("attempt");
        builder.Property(x => x.IsCompensation).HasColumnName("is_compensation");
        builder.Property(x => x.CompensatesNode).HasColumnName("compensates_node").HasMaxLength(200);
        builder.Property(x => x.Outcome).HasColumnName("outcome").HasMaxLength(32)
            .HasConversion(new EnumToStringConverter<NodeExecutionOutcome>());
        builder.Property(x => x.InputJson).HasColumnName("input_json");
        builder.Property(x => x.DispatchedAt).HasColumnName("dispatched_at");
        builder.Property(x => x.StartedAt).HasColumnName("started_at");
        builder.Property(x => x.EndedAt).HasColumnName("ended_at");
        builder.Property(x => x.WorkerId).HasColumnName("worker_id").HasMaxLength(200);
        builder.Property(x => x.Error).HasColumnName("error_json").HasConversion(new ErrorConverter());

        builder.Property(x => x.RateLimitWait).HasColumnName("rate_limit_wait_ticks").HasConversion<long>();

        // Only meaningful while open (on the run row).
        builder.Ignore(x => x.RateLimitSlot);
        builder.Ignore(x => x.WaitingSince);
        builder.Ignore(x => x.RetryAt);
        builder.Ignore(x => x.DeadlineAt);
        builder.Ignore(x => x.WakeAt);
        builder.Ignore(x => x.WorkerWaitingSince);
        builder.Ignore(x => x.WorkerDeclines);

        // A run's history, in creation order.
        builder.HasIndex(x => new { x.RunId, x.Sequence }).HasDatabaseName("ix_resolute_node_executions_run_id_sequence");
    }

    private sealed class ErrorConverter() : ValueConverter<ErrorInfo?, string?>(
        error => error == null ? null : JsonSerializer.Serialize(error, ResoluteJson.Options),
        json => json == null ? null : JsonSerializer.Deserialize<ErrorInfo>(json, ResoluteJson.Options));
}
