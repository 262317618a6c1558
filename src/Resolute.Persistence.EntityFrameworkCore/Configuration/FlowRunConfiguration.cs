using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Resolute.Orchestration.Runs;

namespace Resolute.Persistence.EntityFrameworkCore.Configuration;

/// <summary>
/// Maps <see cref="FlowRun"/> to <c>resolute_flow_runs</c>. Table and column names are explicit snake_case so that the raw
/// row-lock statements and operators' SQL read the same on every provider.
/// </summary>
public sealed class FlowRunConfiguration : IEntityTypeConfiguration<FlowRun>
{
    /// <summary>The table name.</summary>
    public const string TableName = "resolute_flow_runs";

    /// <inheritdoc />
    public void Configure(EntityTypeBuilder<FlowRun> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.ToTable(TableName);
        builder.HasKey(x => x.CorrelationId).HasName("pk_resolute_flow_runs");

        // The saga id is assigned by the client (the run id), never by the database.
        builder.Property(x => x.CorrelationId).HasColumnName("correlation_id").ValueGeneratedNever();
        builder.Property(x => x.CurrentState).HasColumnName("current_state").HasMaxLength(32).IsRequired();

        // Safety net behind the row lock: the repository increments it on every update and EF adds it to the WHERE clause.
        builder.Property(x => x.Version).HasColumnName("version").IsConcurrencyToken();

        builder.Property(x => x.FlowName).HasColumnName("flow_name").HasMaxLength(200).IsRequired();
        builder.Property(x => x.FlowVersion).HasColumnName("flow_version").HasMaxLength(32).IsRequired();
        builder.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(200);

        // "cursor" is a reserved word in SQL Server.
        builder.Property(x => x.Cursor).HasColumnName("plan_cursor");
        builder.Property(x => x.CurrentStep).HasColumnName("current_step").HasMaxLength(200);
        builder.Property(x => x.StateJson).HasColumnName("state_json").IsRequired();
        builder.Property(x => x.ProgressJson).HasColumnName("progress_json").IsRequired();
        builder.Property(x => x.ErrorSummary).HasColumnName("error_summary").HasMaxLength(2000);
        builder.Property(x => x.CreatedAt).HasColumnName("created_at");
        builder.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        builder.Property(x => x.EndedAt).HasColumnName("ended_at");
        builder.Property(x => x.NextWakeAt).HasColumnName("next_wake_at");

        // Derived from CurrentState.
        builder.Ignore(x => x.Status);

        // The timer sweep looks for due runs; operators list runs of a flow by state.
        builder.HasIndex(x => x.NextWakeAt).HasDatabaseName("ix_resolute_flow_runs_next_wake_at");
        builder.HasIndex(x => new { x.FlowName, x.CurrentState }).HasDatabaseName("ix_resolute_flow_runs_flow_name_current_state");

        // Run listings (FlowRunQueries.ListRunsAsync): newest first, of every flow or of one, paged by (created_at, id).
        builder.HasIndex(x => new { x.CreatedAt, x.CorrelationId }).HasDatabaseName("ix_resolute_flow_runs_created_at");
        builder.HasIndex(x => new { x.FlowName, x.CreatedAt, x.CorrelationId }).HasDatabaseName("ix_resolute_flow_runs_flow_name_created_at");
    }
}

