using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Contracts;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;
using Xunit.Abstractions;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// The transactional outbox on a real, migrated database of each provider, around the real run saga: what the saga emits
/// commits with its state and leaves only after the commit (no ghost after a rollback), survives an abandoned delivery
/// (no lost command), redeliveries are recognised, and two sweepers never send the same row.
/// </summary>
/// <typeparam name="TDatabase">The provider under test.</typeparam>
public abstract class OutboxSuite<TDatabase>(TDatabase database, ITestOutputHelper output) : IClassFixture<TDatabase>
    where TDatabase : DatabaseProviderFixture
{
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    protected TDatabase Database => database;

    protected ITestOutputHelper Output => output;

    [ProviderFact]
    public async Task Rows_commit_with_the_saga_and_are_delivered_after_the_commit_with_the_row_id_as_MessageId_then_removed()
    {
        // The sweeper cannot take any row (1 h): whatever leaves, leaves through the filter right after the commit.
        var batches = new ConcurrentQueue<(List<Guid> Stored, int VisibleToOthers)>();
        var insideTransaction = new ConcurrentQueue<(int Stored, int VisibleToOthers)>();
        await using var host = await StartAsync(
            o =>
            {
                o.SweepAge = TimeSpan.FromHours(1);
                o.FaultHook = async context =>
                {
                    if (context.Point == OutboxPoint.AfterCommitBeforeDelivery && context.Messages.Count > 0)
                    {
                        // Another connection sees the rows: the saga's transaction committed before the delivery started.
                        var ids = context.Messages.Select(m => m.Id).ToList();
                        batches.Enqueue((ids, await CountRowsElsewhereAsync(ids)));
                    }
                };
            },
            // The contrast: a filter on the saga's own pipe runs inside the repository's transaction, before the commit.
            s => s.UseFilter(new InsideTransactionProbe(this, insideTransaction)));

        var runId = await host.StartRunAsync(OutboxTestHost.PipelineFlow);
        await host.WaitForStatusAsync(runId, RunStatus.Completed, Deadline);

        // The run's last messages leave after its final commit: wait for them before looking at what was stored.
        var commands = await Poll.UntilAsync(() => Task.FromResult(host.SentCommands(runId)), c => c.Count >= 4, Deadline, "4 node commands");
        var events = await Poll.UntilAsync(
            () => Task.FromResult(host.Harness.Published.Select<FlowRunCompleted>(x => x.Context.Message.RunId == runId).ToList()),
            e => e.Count > 0,
            Deadline,
            "FlowRunCompleted");
        var stored = batches.SelectMany(b => b.Stored).ToHashSet();
        Assert.All(batches, b => Assert.Equal(b.Stored.Count, b.VisibleToOthers));
        Assert.NotEmpty(insideTransaction);
        Assert.All(insideTransaction, b => Assert.Equal(0, b.VisibleToOthers));
        Assert.Equal(["a", "b", "c", "d"], commands.Select(c => c.Command.NodeName).Order());
        Assert.All(commands, c => Assert.Contains(c.MessageId!.Value, stored));
        Assert.Contains(events.Single().Context.MessageId!.Value, stored);

        // Every stored message left exactly once, and its row is gone.
        Assert.All(stored, id => Assert.Equal(1, host.Outgoing.Count(id)));
        await Poll.UntilAsync(() => host.OutboxRowsAsync(runId), rows => rows.Count == 0, Deadline, "the delivered rows to be removed");

        // One history row per ended attempt, committed with the run.
        var history = await host.HistoryRowsAsync(runId);
        Assert.Equal(["a", "b", "c", "d"], history.Select(e => e.NodeName).Order());
        Assert.All(history, e => Assert.Equal(NodeExecutionOutcome.Completed, e.Outcome));

        // The fast path alone delivered everything: the sweeper never logged a late delivery.
        Assert.Equal(0, host.Logs.Count(2005));
    }

    [ProviderFact]
    public async Task A_throw_after_the_rows_were_written_rolls_back_the_rows_and_the_saga_and_nothing_is_sent()
    {
        // Every attempt to handle a's completion throws right before its commit, after writing b's and c's commands.
        var doomed = new ConcurrentQueue<(List<Guid> Ids, int WrittenInTransaction)>();
        await using var host = await StartAsync(o =>
        {
            o.SweepAge = TimeSpan.Zero;
            o.SweepInterval = TimeSpan.FromHours(1);
            o.FaultHook = async context =>
            {
                if (context.Point == OutboxPoint.BeforeCommit && Dispatches(context.Messages, "b"))
                {
                    var ids = context.Messages.Select(m => m.Id).ToList();
                    var written = await context.DbContext!.Set<OutboxMessage>().CountAsync(x => ids.Contains(x.Id));
                    doomed.Enqueue((ids, written));
                    throw new InvalidOperationException("injected: fail before commit");
                }
            };
        });

        var runId = await host.StartRunAsync(OutboxTestHost.PipelineFlow);
        var fault = await Poll.UntilAsync(
            () => Task.FromResult(host.Harness.Published.Select<Fault<NodeCompleted>>(x => x.Context.Message.Message.RunId == runId).ToList()),
            f => f.Count > 0,
            Deadline,
            "the reply of a to fault after its retries");

        // 1 attempt + 5 retries, each with b's and c's commands and the FlowRun event rows written in the transaction.
        Assert.Equal(6, doomed.Count);
        Assert.All(doomed, d => Assert.Equal(d.Ids.Count, d.WrittenInTransaction));

        // The sweeper, made to take every row at once, finds none of them: they rolled back.
        await host.Sweeper.DeliverDueAsync();
        var doomedIds = doomed.SelectMany(d => d.Ids).ToHashSet();
        Assert.Empty(doomedIds.Intersect(host.AllOutgoingMessageIds()));
        Assert.Empty(await host.OutboxRowsAsync(runId));
        Assert.DoesNotContain(host.SentCommands(runId), c => c.Command.NodeName is "b" or "c");

        // The saga is as the start left it (no update ever committed: the version is still that of the insert), and a's
        // ended attempt is not in the history.
        var run = await host.ReadRunAsync(runId);
        Assert.Equal(RunStatus.Running, run!.Status);
        Assert.Equal(0, run.Version);
        Assert.Single(fault);
        Assert.Empty(await host.HistoryRowsAsync(runId));
    }

    [ProviderFact]
    public async Task A_throw_before_commit_once_is_retried_and_the_run_completes_without_ghost_commands()
    {
        var doomed = new ConcurrentQueue<Guid>();
        var thrown = 0;
        await using var host = await StartAsync(o => o.FaultHook = context =>
        {
            if (context.Point == OutboxPoint.BeforeCommit && Dispatches(context.Messages, "b") && Interlocked.Exchange(ref thrown, 1) == 0)
            {
                foreach (var row in context.Messages)
                {
                    doomed.Enqueue(row.Id);
                }

                throw new InvalidOperationException("injected: fail before commit, once");
            }

            return Task.CompletedTask;
        });

        var runId = await host.StartRunAsync(OutboxTestHost.PipelineFlow);
        await host.WaitForStatusAsync(runId, RunStatus.Completed, Deadline);

        Assert.NotEmpty(doomed);
        Assert.Empty(doomed.Intersect(host.AllOutgoingMessageIds()));
        var commands = host.SentCommands(runId);
        Assert.Equal(["a", "b", "c", "d"], commands.Select(c => c.Command.NodeName).Order());
        Assert.All(commands, c => Assert.Equal(1, host.Outgoing.Count(c.MessageId!.Value)));
    }

    [ProviderFact]
    public async Task Messages_whose_delivery_was_abandoned_after_the_commit_are_delivered_by_the_sweeper_and_the_run_completes()
    {
        // A crash between commit and send, in-process: the hook throws where the process would die.
        var abandoned = new ConcurrentQueue<(OutboxMessage Row, int VisibleToOthers)>();
        var abandonedAt = new ConcurrentQueue<long>();
        await using var host = await StartAsync(o =>
        {
            o.SweepAge = TimeSpan.FromMilliseconds(500);
            o.SweepInterval = TimeSpan.FromMilliseconds(100);
            o.FaultHook = async context =>
            {
                if (context.Point == OutboxPoint.AfterCommitBeforeDelivery && Dispatches(context.Messages, "b"))
                {
                    var visible = await CountRowsElsewhereAsync(context.Messages.Select(m => m.Id).ToList());
                    foreach (var row in context.Messages)
                    {
                        abandoned.Enqueue((row, visible));
                    }

                    abandonedAt.Enqueue(Stopwatch.GetTimestamp());
                    throw new InvalidOperationException("injected: the process dies between commit and delivery");
                }
            };
        });

        var runId = await host.StartRunAsync(OutboxTestHost.PipelineFlow);
        await host.WaitForStatusAsync(runId, RunStatus.Completed, Deadline);
        var completedAfter = Stopwatch.GetElapsedTime(abandonedAt.Single());

        // The abandoned rows were committed (another connection saw them), then the sweeper sent exactly them, once each.
        Assert.All(abandoned, a => Assert.Equal(abandoned.Count, a.VisibleToOthers));
        var stored = abandoned.Select(a => a.Row).ToList();
        var storedCommands = stored.Where(r => r.MessageType == typeof(ExecuteNode).FullName)
            .Select(r => JsonSerializer.Deserialize<ExecuteNode>(r.Body, SystemTextJsonMessageSerializer.Options)!)
            .ToList();
        Assert.Equal(["b", "c"], storedCommands.Select(c => c.NodeName).Order());
        var sent = host.SentCommands(runId).Where(c => c.Command.NodeName is "b" or "c").ToList();
        Assert.Equal(2, sent.Count);
        Assert.Equal(
            stored.Where(r => r.Kind == OutboxMessageKind.Send).Select(r => r.Id).Order(),
            sent.Select(c => c.MessageId!.Value).Order());
        Assert.Equal(storedCommands.Select(c => c.ExecutionId).Order(), sent.Select(c => c.Command.ExecutionId).Order());
        await Poll.UntilAsync(() => host.OutboxRowsAsync(runId), rows => rows.Count == 0, Deadline, "the sweeper to delete the rows it delivered");
        Assert.All(stored, row => Assert.Equal(1, host.Outgoing.Count(row.Id)));
        await Poll.UntilAsync(() => Task.FromResult(host.Logs.Count(2005)), n => n > 0, Deadline, "the sweeper's log of its late delivery");
        Assert.True(completedAfter >= host.Options.SweepAge, $"the run completed {completedAfter.TotalMilliseconds:0} ms after the abandoned delivery: too early for the sweeper");
        output.WriteLine($"abandoned {stored.Count} rows; the run completed {completedAfter.TotalMilliseconds:0} ms later");
    }

    [ProviderFact]
    public async Task The_same_message_delivered_twice_is_handled_once()
    {
        await using var host = await StartAsync(_ => { });
        var runId = await host.StartRunAsync(OutboxTestHost.ManualFlow);
        var command = (await Poll.UntilAsync(() => Task.FromResult(host.SentCommands(runId)), c => c.Count == 1, Deadline, "the node command")).Single().Command;
        var reply = EchoNodeWorker.Reply(command, DateTimeOffset.UtcNow);
        var messageId = NewId.NextGuid();

        // A redelivery of the same message, as RabbitMQ does after an orchestrator died before its acknowledgement.
        await host.Harness.Bus.Publish(reply, c => c.MessageId = messageId);
        await host.WaitForStatusAsync(runId, RunStatus.Completed, Deadline);
        var completedRun = await host.ReadRunAsync(runId);
        await host.Harness.Bus.Publish(reply, c => c.MessageId = messageId);

        // (The harness lists a MessageId once, so the second delivery is awaited through the commit of its transaction,
        // which bumps the saga's version.) The run recognises it — the attempt it names is no longer open — and ignores it.
        var run = await Poll.UntilAsync(() => host.ReadRunAsync(runId), r => r!.Version > completedRun!.Version, Deadline, "the redelivery's transaction to commit");

        Assert.Single(await host.HistoryRowsAsync(runId));
        Assert.Equal(completedRun!.ProgressJson, run!.ProgressJson);
        Assert.Equal(completedRun.StateJson, run.StateJson);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Single(host.Harness.Published.Select<FlowRunCompleted>(x => x.Context.Message.RunId == runId));
    }

    [ProviderFact]
    public async Task Two_sweepers_racing_on_the_same_rows_deliver_every_row_exactly_once()
    {
        // A database of its own: the sweepers take every row older than now, which must be this test's.
        const int Rows = 200;
        var connectionString = await MigratedDatabaseAsync();
        await using var host = await OutboxTestHost.StartAsync(
            database.Persistence(connectionString),
            o =>
            {
                o.SweepAge = TimeSpan.Zero;
                o.SweepInterval = TimeSpan.FromHours(1);
                o.SweepBatchSize = 10;
            },
            concurrentMessageLimit: database.ConcurrentMessageLimit);
        var (runId, ids) = await InsertRowsAsync(host, Rows);

        // Each publish takes a few ms, so that the two sweepers' transactions overlap for sure.
        var delivered = new DeliveryRecorder(ids, TimeSpan.FromMilliseconds(2));
        using var _ = host.Harness.Bus.ConnectPublishObserver(delivered);
        var first = ActivatorUtilities.CreateInstance<OutboxDeliveryService>(host.Services);
        var second = ActivatorUtilities.CreateInstance<OutboxDeliveryService>(host.Services);

        var counts = await Task.WhenAll(Task.Run(() => first.DeliverDueAsync()), Task.Run(() => second.DeliverDueAsync()));

        output.WriteLine($"first sweeper delivered {counts[0]}, second {counts[1]}");
        Assert.Equal(Rows, delivered.Counts.Count);
        Assert.All(delivered.Counts.Values, n => Assert.Equal(1, n));
        Assert.Equal(Rows, counts.Sum());
        Assert.All(counts, n => Assert.True(n > 0, "one sweeper took every row: the race did not happen"));
        Assert.Empty(await host.OutboxRowsAsync(runId));
    }

    private static bool Dispatches(IReadOnlyList<OutboxMessage> rows, string node) =>
        rows.Any(r => r.MessageType == typeof(ExecuteNode).FullName
            && JsonSerializer.Deserialize<ExecuteNode>(r.Body, SystemTextJsonMessageSerializer.Options)!.NodeName == node);

    protected static async Task<(Guid RunId, List<Guid> Ids)> InsertRowsAsync(OutboxTestHost host, int count)
    {
        var runId = NewId.NextGuid();

        // One clock reading for all rows, 1 ms apart: their order by created_at is their order in the list, whatever the
        // clock does meanwhile, so a claim (ordered by created_at, then id) returns them in this order on every database.
        var createdAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        var rows = Enumerable.Range(0, count).Select(i =>
        {
            var message = new FlowRunStarted { RunId = runId, FlowName = $"row-{i}", FlowVersion = "1", StartedAt = DateTimeOffset.UtcNow };
            return new OutboxMessage
            {
                Id = NewId.NextGuid(),
                RunId = runId,
                CreatedAt = createdAt.AddMilliseconds(i),
                Kind = OutboxMessageKind.Publish,
                MessageType = typeof(FlowRunStarted).FullName!,
                Body = JsonSerializer.Serialize(message, SystemTextJsonMessageSerializer.Options),
            };
        }).ToList();
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
        db.OutboxMessages.AddRange(rows);
        await db.SaveChangesAsync();
        return (runId, rows.Select(r => r.Id).ToList());
    }

    private Task<OutboxTestHost> StartAsync(Action<ResoluteOutboxOptions> outbox, Action<ISagaConfigurator<Orchestration.Runs.FlowRun>>? configureSaga = null) =>
        OutboxTestHost.StartAsync(database.Persistence(), outbox, configureSaga: configureSaga, concurrentMessageLimit: database.ConcurrentMessageLimit);

    /// <summary>A new database of this provider, migrated.</summary>
    protected async Task<string> MigratedDatabaseAsync()
    {
        var connectionString = await database.CreateEmptyDatabaseAsync();
        await using var services = MigrationTests.Build(database.Persistence(connectionString));
        await services.GetRequiredService<ResoluteDatabaseMigrator>().MigrateAsync();
        return connectionString;
    }

    private async Task<int> CountRowsElsewhereAsync(List<Guid> ids)
    {
        await using var db = database.CreateDbContext();
        return await db.OutboxMessages.CountAsync(x => ids.Contains(x.Id));
    }

    /// <summary>On the saga pipe (inside the repository's transaction): how many of the batch's rows others can see.</summary>
    private sealed class InsideTransactionProbe(OutboxSuite<TDatabase> test, ConcurrentQueue<(int Stored, int VisibleToOthers)> seen)
        : IFilter<SagaConsumeContext<Orchestration.Runs.FlowRun>>
    {
        public async Task Send(SagaConsumeContext<Orchestration.Runs.FlowRun> context, IPipe<SagaConsumeContext<Orchestration.Runs.FlowRun>> next)
        {
            await next.Send(context);
            if (context.TryGetPayload<OutboxBatch>(out var batch) && batch.Messages.Count > 0)
            {
                var ids = batch.Messages.Select(m => m.Row.Id).ToList();
                seen.Enqueue((ids.Count, await test.CountRowsElsewhereAsync(ids)));
            }
        }

        public void Probe(ProbeContext context)
        {
        }
    }

    /// <summary>Counts publishes of the given MessageIds; optionally slows every publish down.</summary>
    protected sealed class DeliveryRecorder(IReadOnlyCollection<Guid> ids, TimeSpan delay = default) : IPublishObserver
    {
        private readonly HashSet<Guid> _ids = [.. ids];

        public ConcurrentDictionary<Guid, int> Counts { get; } = new();

        public IEnumerable<Guid> Ids => Counts.Keys;

        public async Task PrePublish<T>(PublishContext<T> context)
            where T : class
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay);
            }
        }

        public Task PostPublish<T>(PublishContext<T> context)
            where T : class
        {
            if (context.MessageId is { } id && _ids.Contains(id))
            {
                Counts.AddOrUpdate(id, 1, (_, n) => n + 1);
            }

            return Task.CompletedTask;
        }

        public Task PublishFault<T>(PublishContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }
}

/// <summary>
/// The outbox on a database server that orchestrator replicas share (PostgreSQL, SQL Server): a sweeper skips the rows
/// another replica's sweeper or fast path holds, so it never sends a row twice. (On SQLite, one process's writers take
/// turns, so a sweep waits for a fast path instead of skipping its rows.)
/// </summary>
/// <typeparam name="TDatabase">The provider under test.</typeparam>
public abstract class ServerOutboxSuite<TDatabase>(TDatabase database, ITestOutputHelper output) : OutboxSuite<TDatabase>(database, output)
    where TDatabase : DatabaseProviderFixture
{
    [ProviderFact]
    public async Task A_sweeper_skips_rows_another_replica_holds_instead_of_waiting_or_sending_them()
    {
        // A database of its own: the other replica below claims the oldest rows, which must be this test's.
        var connectionString = await MigratedDatabaseAsync();
        await using var host = await OutboxTestHost.StartAsync(
            Database.Persistence(connectionString),
            o =>
            {
                o.SweepAge = TimeSpan.Zero;
                o.SweepInterval = TimeSpan.FromHours(1);
            },
            concurrentMessageLimit: Database.ConcurrentMessageLimit);
        var (runId, ids) = await InsertRowsAsync(host, 20);
        var delivered = new DeliveryRecorder(ids);
        using var _ = host.Harness.Bus.ConnectPublishObserver(delivered);

        // Another replica is delivering the first half: it claimed them with the same locking read and holds their locks.
        await using var other = Database.CreateDbContext(connectionString);
        var transaction = await other.Database.BeginTransactionAsync();
        await using (transaction)
        {
            var claimed = await OutboxStatements.For(other, Database.CreateProvider(connectionString).OutboxLock)
                .ClaimCreatedBeforeAsync(other, DateTimeOffset.UtcNow, 10, [], CancellationToken.None);
            var held = ids.Take(10).ToList();
            Assert.Equal(held, claimed.Select(r => r.Id));

            await host.Sweeper.DeliverDueAsync().WaitAsync(TimeSpan.FromSeconds(20));

            Assert.Equal(ids.Skip(10).Order(), delivered.Ids.Order());
            Assert.Equal(held.Order(), (await host.OutboxRowsAsync(runId)).Select(r => r.Id).Order());

            // The other replica gives up (crash, rollback): its rows become deliverable.
            await transaction.RollbackAsync();
        }

        await host.Sweeper.DeliverDueAsync();

        Assert.Equal(ids.Order(), delivered.Ids.Order());
        Assert.All(delivered.Counts.Values, n => Assert.Equal(1, n));
        Assert.Empty(await host.OutboxRowsAsync(runId));
    }

    [ProviderFact]
    public async Task The_sweeper_skips_the_rows_a_fast_path_holds_while_it_sends_and_deletes_them_so_each_message_leaves_once()
    {
        // The fast path's delete (inside its transaction, after the sends) waits at a gate: its rows are held meanwhile.
        var gate = new DeleteGate();
        await using var host = await OutboxTestHost.StartAsync(
            WithInterceptor(gate),
            o =>
            {
                o.SweepAge = TimeSpan.Zero;
                o.SweepInterval = TimeSpan.FromHours(1);
                o.DeliveryTimeout = TimeSpan.FromMinutes(5);
            });
        try
        {
            // (The harness's lists of sent messages wait for the bus to go idle, which it does not while a consume waits at
            // the gate: only the outgoing counts are read until the gate opens.)
            var runId = await host.StartRunAsync(OutboxTestHost.ManualFlow);
            await gate.Blocked.WaitAsync(Deadline);
            var stored = await host.OutboxRowsAsync(runId);
            Assert.NotEmpty(stored);
            Assert.All(stored, row => Assert.Equal(1, host.Outgoing.Count(row.Id)));

            // A locking read that skips locked rows: the sweep ends at once, having sent nothing.
            Assert.Equal(0, await host.Sweeper.DeliverDueAsync().WaitAsync(Deadline));

            gate.Open();
            await Poll.UntilAsync(() => host.OutboxRowsAsync(runId), rows => rows.Count == 0, Deadline, "the fast path's delete to commit");
            Assert.Single(host.SentCommands(runId));
            Assert.All(stored, row => Assert.Equal(1, host.Outgoing.Count(row.Id)));
            Assert.Equal(1, gate.Executions);
        }
        finally
        {
            gate.Open();
        }
    }

    private Action<ResolutePersistenceBuilder> WithInterceptor(DeleteGate gate) => p =>
    {
        Database.Persistence()(p);
        p.ConfigureDbContext(o => o.AddInterceptors(gate));
    };

    /// <summary>Holds the first delete of outbox rows (the fast path's, inside its transaction) until opened.</summary>
    private sealed class DeleteGate : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _executions;

        public Task Blocked => _blocked.Task;

        /// <summary>How many deletes of outbox rows were started.</summary>
        public int Executions => Volatile.Read(ref _executions);

        public void Open() => _open.TrySetResult();

        public override async ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> NonQueryExecutingAsync(
            System.Data.Common.DbCommand command,
            Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
            Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            // The delete of delivered rows, however the provider spells it (DELETE FROM resolute_outbox AS r ...,
            // DELETE FROM [r] FROM [resolute_outbox] AS [r] ...); only the first one waits.
            if (command.CommandText.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase)
                && command.CommandText.Contains(OutboxMessageConfiguration.TableName, StringComparison.Ordinal)
                && Interlocked.Increment(ref _executions) == 1)
            {
                _blocked.TrySetResult();
                await _open.Task;
            }

            return result;
        }
    }
}
