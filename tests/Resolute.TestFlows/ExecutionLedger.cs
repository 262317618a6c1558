using System.Diagnostics;
using Npgsql;

namespace Resolute.TestFlows;

/// <summary>One row of <see cref="ExecutionLedger"/>: a node execution as the worker process that ran it recorded it.</summary>
/// <param name="IdempotencyKey">The execution's <see cref="NodeContext.IdempotencyKey"/> (one per run and node).</param>
/// <param name="RunId">The run.</param>
/// <param name="Node">The node.</param>
/// <param name="Attempt">The attempt number the orchestrator gave the command.</param>
/// <param name="Worker">The worker id (<c>--worker-id</c> of the process).</param>
/// <param name="ProcessId">The worker's operating-system process id.</param>
/// <param name="RecordedAt">When the execution began (database clock).</param>
public sealed record ExecutionRecord(string IdempotencyKey, Guid RunId, string Node, int Attempt, string Worker, int ProcessId, DateTime RecordedAt);

/// <summary>One row of <see cref="ExecutionLedger.EventTable"/>: what became of a node execution, as its worker recorded it.</summary>
/// <param name="IdempotencyKey">The execution's <see cref="NodeContext.IdempotencyKey"/>.</param>
/// <param name="RunId">The run.</param>
/// <param name="Node">The node.</param>
/// <param name="Attempt">The attempt number.</param>
/// <param name="Worker">The worker id.</param>
/// <param name="ProcessId">The worker's process id.</param>
/// <param name="Event">What happened, e.g. <c>finished</c> or <c>cancelled</c>.</param>
/// <param name="RecordedAt">When (database clock, UTC).</param>
public sealed record ExecutionEvent(string IdempotencyKey, Guid RunId, string Node, int Attempt, string Worker, int ProcessId, string Event, DateTime RecordedAt);

/// <summary>
/// Test support for the durability scenarios: node executions counted ACROSS processes. A node of
/// <see cref="DurabilityFlows"/> calls <see cref="RecordAsync"/> before doing its work; the worker process inserts a row
/// into <see cref="Table"/> of the database given to it with <c>--postgres</c> (the cluster's own database; every test
/// host gets it). The row commits before the node's reply is sent, so an execution by a worker killed afterwards is
/// counted too. The test creates the table with <see cref="EnsureCreatedAsync"/> before it starts runs and reads it with
/// <see cref="ReadAsync"/>.
/// </summary>
public static class ExecutionLedger
{
    /// <summary>The table of the ledger.</summary>
    public const string Table = "durability_node_executions";

    /// <summary>The table of <see cref="RecordEventAsync"/>: what became of an execution (finished, cancelled, ...).</summary>
    public const string EventTable = "durability_node_events";

    /// <summary>How long <see cref="RecordAsync"/> keeps retrying while the database is unavailable.</summary>
    public static readonly TimeSpan RecordPatience = TimeSpan.FromSeconds(90);

    private static readonly Lazy<NpgsqlDataSource> Source = new(() => NpgsqlDataSource.Create(
        CommandLineValue("--postgres")
        ?? throw new InvalidOperationException($"{nameof(ExecutionLedger)} runs in a test host started with --postgres (the cluster's database); this process has none.")));

    /// <summary>This process's worker id (<c>--worker-id</c>), else <c>pid-N</c>.</summary>
    public static string WorkerId { get; } = CommandLineValue("--worker-id") ?? $"pid-{Environment.ProcessId}";

    /// <summary>Creates <see cref="Table"/> in the database of <paramref name="connectionString"/> if it does not exist.</summary>
    public static async Task EnsureCreatedAsync(string connectionString)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        await using var create = source.CreateCommand(
            $"""
            create table if not exists {Table} (
                execution_id uuid primary key,
                idempotency_key text not null,
                run_id uuid not null,
                node text not null,
                attempt integer not null,
                worker text not null,
                pid integer not null,
                recorded_at timestamptz not null default clock_timestamp());
            create table if not exists {EventTable} (
                id bigint generated always as identity primary key,
                idempotency_key text not null,
                run_id uuid not null,
                node text not null,
                attempt integer not null,
                worker text not null,
                pid integer not null,
                event text not null,
                recorded_at timestamptz not null default clock_timestamp())
            """);
        await create.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Records <paramref name="what"/> happened to the execution of <paramref name="context"/> in this process (e.g.
    /// <c>finished</c>, or <c>cancelled</c> once its token fired: the insert does not use the token).
    /// </summary>
    public static async Task RecordEventAsync(NodeContext context, string what)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var insert = Source.Value.CreateCommand(
            $"insert into {EventTable} (idempotency_key, run_id, node, attempt, worker, pid, event) values ($1, $2, $3, $4, $5, $6, $7)");
        insert.Parameters.Add(new NpgsqlParameter { Value = context.IdempotencyKey });
        insert.Parameters.Add(new NpgsqlParameter { Value = context.RunId });
        insert.Parameters.Add(new NpgsqlParameter { Value = context.NodeName });
        insert.Parameters.Add(new NpgsqlParameter { Value = context.Attempt });
        insert.Parameters.Add(new NpgsqlParameter { Value = WorkerId });
        insert.Parameters.Add(new NpgsqlParameter { Value = Environment.ProcessId });
        insert.Parameters.Add(new NpgsqlParameter { Value = what });
        await insert.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Every event recorded for <paramref name="runIds"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<ExecutionEvent>> ReadEventsAsync(string connectionString, IEnumerable<Guid> runIds)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        await using var source = NpgsqlDataSource.Create(connectionString);
        await using var select = source.CreateCommand(
            $"select idempotency_key, run_id, node, attempt, worker, pid, event, recorded_at from {EventTable} where run_id = any($1) order by id");
        select.Parameters.Add(new NpgsqlParameter { Value = runIds.ToArray() });
        await using var reader = await select.ExecuteReaderAsync().ConfigureAwait(false);
        var events = new List<ExecutionEvent>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            events.Add(new ExecutionEvent(
                reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4), reader.GetInt32(5), reader.GetString(6), reader.GetDateTime(7)));
        }

        return events;
    }

    /// <summary>Every execution recorded for <paramref name="runIds"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<ExecutionRecord>> ReadAsync(string connectionString, IEnumerable<Guid> runIds)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        await using var source = NpgsqlDataSource.Create(connectionString);
        await using var select = source.CreateCommand(
            $"select idempotency_key, run_id, node, attempt, worker, pid, recorded_at from {Table} where run_id = any($1) order by recorded_at, execution_id");
        select.Parameters.Add(new NpgsqlParameter { Value = runIds.ToArray() });
        await using var reader = await select.ExecuteReaderAsync().ConfigureAwait(false);
        var records = new List<ExecutionRecord>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            records.Add(new ExecutionRecord(
                reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4), reader.GetInt32(5), reader.GetDateTime(6)));
        }

        return records;
    }

    /// <summary>
    /// Records that this process now executes the node of <paramref name="context"/>. Idempotent per call (a fresh
    /// execution id, inserted with <c>on conflict do nothing</c>), so retrying the insert while the database restarts
    /// never counts one execution twice; retries for up to <see cref="RecordPatience"/>.
    /// </summary>
    public static async Task RecordAsync(NodeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var executionId = Guid.NewGuid();
        var patience = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var insert = Source.Value.CreateCommand(
                    $"insert into {Table} (execution_id, idempotency_key, run_id, node, attempt, worker, pid) values ($1, $2, $3, $4, $5, $6, $7) on conflict (execution_id) do nothing");
                insert.Parameters.Add(new NpgsqlParameter { Value = executionId });
                insert.Parameters.Add(new NpgsqlParameter { Value = context.IdempotencyKey });
                insert.Parameters.Add(new NpgsqlParameter { Value = context.RunId });
                insert.Parameters.Add(new NpgsqlParameter { Value = context.NodeName });
                insert.Parameters.Add(new NpgsqlParameter { Value = context.Attempt });
                insert.Parameters.Add(new NpgsqlParameter { Value = WorkerId });
                insert.Parameters.Add(new NpgsqlParameter { Value = Environment.ProcessId });
                await insert.ExecuteNonQueryAsync(context.CancellationToken).ConfigureAwait(false);
                return;
            }
            catch (NpgsqlException) when (patience.Elapsed < RecordPatience && !context.CancellationToken.IsCancellationRequested)
            {
                // The database is restarting (a durability scenario stops it on purpose): try again shortly.
                await Task.Delay(TimeSpan.FromMilliseconds(200), context.CancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string? CommandLineValue(string name)
    {
        var args = Environment.GetCommandLineArgs();
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }

        return null;
    }
}
