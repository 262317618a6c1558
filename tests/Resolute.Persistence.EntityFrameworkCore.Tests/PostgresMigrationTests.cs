using Microsoft.Extensions.DependencyInjection;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>Resolute's migrations on a real, empty PostgreSQL database.</summary>
[Trait("Area", "Engine")]
public sealed class PostgresMigrationTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>
{
    private static readonly string[] ExpectedColumns =
    [
        "correlation_id", "created_at", "current_state", "current_step", "ended_at", "error_summary", "flow_name",
        "flow_version", "idempotency_key", "next_wake_at", "plan_cursor", "progress_json", "state_json", "updated_at", "version",
    ];

    [Fact]
    public async Task Migrations_apply_on_an_empty_PostgreSQL_database_and_again_as_a_no_op()
    {
        await using var services = MigrationTests.Build(p => p.UsePostgres(database.ConnectionString));
        var migrator = services.GetRequiredService<ResoluteDatabaseMigrator>();

        var first = await migrator.MigrateAsync();
        var second = await migrator.MigrateAsync();

        Assert.Equal(["InitialCreate", "AddOutboxAndInbox", "NodeExecutionHistory", "RateLimiters", "QuartzSchedulerTables"], first.Select(m => m[(m.IndexOf('_', StringComparison.Ordinal) + 1)..]));
        Assert.Empty(second);
        Assert.Equal(5, await database.ScalarAsync<int>($"SELECT count(*) FROM \"{ResolutePersistenceDefaults.MigrationsHistoryTable}\""));
        Assert.Equal(15, await database.ScalarAsync<int>("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'resolute\\_qrtz\\_%'"));

        var columns = await database.ScalarAsync<string>(
            "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'resolute_flow_runs'");
        Assert.Equal(ExpectedColumns, columns.Split(','));
        var indexes = await database.ScalarAsync<string>(
            "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'resolute_flow_runs'");
        Assert.Equal(
            ["ix_resolute_flow_runs_flow_name_current_state", "ix_resolute_flow_runs_next_wake_at", "pk_resolute_flow_runs"],
            indexes.Split(','));

        Assert.Equal(
            "body,created_at,destination_queue,id,kind,message_type,run_id",
            await database.ScalarAsync<string>("SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'resolute_outbox'"));
        Assert.Equal(
            "attempt,compensates_node,dispatched_at,ended_at,error_json,execution_id,input_json,is_compensation,node_name,outcome,rate_limit_wait_ticks,run_id,sequence,started_at,step_name,worker_id",
            await database.ScalarAsync<string>("SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'resolute_node_executions'"));
        Assert.Equal(
            "ix_resolute_node_executions_run_id_sequence,ix_resolute_outbox_created_at,pk_resolute_node_executions,pk_resolute_outbox",
            await database.ScalarAsync<string>(
                "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename IN ('resolute_outbox', 'resolute_node_executions')"));
        Assert.Equal(0, await database.ScalarAsync<int>("SELECT count(*) FROM information_schema.tables WHERE table_name = 'resolute_inbox'"));
        Assert.Equal(
            "limiter_key,next_start_ticks",
            await database.ScalarAsync<string>("SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'resolute_rate_limits'"));
    }

    [Fact]
    public async Task Replicas_migrating_the_same_database_at_once_apply_the_schema_once()
    {
        var fresh = new PostgresTestDatabase();
        await fresh.InitializeAsync();
        try
        {
            var replicas = Enumerable.Range(0, 3).Select(_ => MigrationTests.Build(p => p.UsePostgres(fresh.ConnectionString))).ToList();

            await Task.WhenAll(replicas.Select(r => r.GetRequiredService<ResoluteDatabaseMigrator>().MigrateAsync()));

            Assert.Equal(5, await fresh.ScalarAsync<int>($"SELECT count(*) FROM \"{ResolutePersistenceDefaults.MigrationsHistoryTable}\""));
            Assert.Equal(0, await fresh.ScalarAsync<int>("SELECT count(*) FROM resolute_flow_runs"));
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }
}
