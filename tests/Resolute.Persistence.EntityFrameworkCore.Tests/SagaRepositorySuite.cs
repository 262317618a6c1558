using System.Diagnostics;
using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Contracts;
using Resolute.Orchestration.Runs;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.EntityFrameworkCore.Saga;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;
using Xunit.Abstractions;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// The saga repository on a real, migrated database of each provider: runs are inserted, updated and read back as
/// written; simultaneous messages for one run are all counted; two first messages for one run create one row; and the
/// version column refuses a stale update.
/// </summary>
/// <typeparam name="TDatabase">The provider under test.</typeparam>
public abstract class SagaRepositorySuite<TDatabase>(TDatabase database, ITestOutputHelper output) : IClassFixture<TDatabase>
    where TDatabase : DatabaseProviderFixture
{
    protected const int Increments = 100;
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    protected TDatabase Database => database;

    protected ITestOutputHelper Output => output;

    [ProviderFact]
    public async Task A_run_is_inserted_updated_and_read_back_through_the_repository()
    {
        await using var host = await StartAsync(new InstrumentedRowLock(database.CreateProvider(database.ConnectionString).RowLock), retryLimit: 5);
        var id = NewId.NextGuid();
        var flowName = $"insert-update-{id:N}";

        await host.Harness.Bus.Publish(new CounterStarted(id, flowName));
        await Poll.UntilAsync(() => host.ReadRunAsync<ResoluteDbContext>(id), r => r is not null, Deadline, "the run's row");
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => host.Harness.Bus.Publish(new CounterIncremented(id))));

        var run = await Poll.UntilAsync(() => host.ReadRunAsync<ResoluteDbContext>(id), r => r?.Cursor == 20, Deadline, "20 increments");
        Assert.Equal("Running", run!.CurrentState);
        Assert.Equal(flowName, run.FlowName);
        Assert.Equal(20, run.Version);
        Assert.Equal(TimeSpan.Zero, run.CreatedAt.Offset);
        Assert.False(await host.Harness.Published.Any<Fault<CounterIncremented>>());

        // Reads outside of messages go through the same factory (no lock, no transaction).
        var loaded = await host.Services.GetRequiredService<ILoadSagaRepository<FlowRun>>().Load(id);
        Assert.Equal(20, loaded.Cursor);
        var found = await host.Services.GetRequiredService<IQuerySagaRepository<FlowRun>>().Find(new SagaQuery<FlowRun>(x => x.FlowName == flowName));
        Assert.Equal([id], found);
    }

    [ProviderFact]
    public async Task Simultaneous_increments_for_one_run_are_all_counted()
    {
        var rowLock = new InstrumentedRowLock(database.CreateProvider(database.ConnectionString).RowLock);
        await using var host = await StartAsync(rowLock, retryLimit: 10, concurrentMessageLimit: 16);
        var id = await StartRunAsync(host);

        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Increments).Select(_ => host.Harness.Bus.Publish(new CounterIncremented(id))));
        var run = await Poll.UntilAsync(() => host.ReadRunAsync<ResoluteDbContext>(id), r => r!.Cursor >= Increments, Deadline, "100 increments");
        watch.Stop();

        output.WriteLine(
            $"{database.Name}: {Increments} increments in {watch.Elapsed.TotalMilliseconds:0} ms, {host.Retries.Count} retries, "
            + $"up to {rowLock.MaxConcurrentLoads} messages loading the row at once");
        Assert.Equal(Increments, run!.Cursor);
        Assert.Equal(Increments, run.Version);
        Assert.False(await host.Harness.Published.Any<Fault<CounterIncremented>>());
        AssertHowSimultaneousWritersMet(rowLock, host.Retries);
    }

    [ProviderTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Two_simultaneous_first_messages_for_a_run_create_exactly_one_row(bool insertOnInitial)
    {
        // Many pairs, so that the race (both load nothing, both insert) really happens where writers can race.
        const int Runs = 25;
        var rowLock = new InstrumentedRowLock(database.CreateProvider(database.ConnectionString).RowLock);
        await using var host = await StartAsync(rowLock, retryLimit: 10, concurrentMessageLimit: 16);
        var ids = Enumerable.Range(0, Runs).Select(_ => NewId.NextGuid()).ToList();
        var flowName = $"race-{insertOnInitial}-{Guid.NewGuid():N}";

        await Task.WhenAll(ids.SelectMany(id => new[] { StartMessage(id), StartMessage(id) }));

        // Both messages of every pair consumed (successfully: faults would be published) and every row there.
        await Poll.UntilAsync(
            () => Task.FromResult(ConsumedStarts(host)),
            n => n >= 2 * Runs,
            Deadline,
            $"{2 * Runs} start messages consumed");
        var rows = await Poll.UntilAsync(() => CountRunsAsync(flowName, state: null), n => n >= Runs, Deadline, "rows");

        output.WriteLine($"{database.Name}, insertOnInitial={insertOnInitial}: {rowLock.Conflicts} insert races seen, {host.Retries.Count} retries");
        Assert.Equal(Runs, rows);
        Assert.Equal(Runs, await CountRunsAsync(flowName, state: "Running"));
        Assert.False(await host.Harness.Published.Any<Fault<CounterStarted>>());
        Assert.False(await host.Harness.Published.Any<Fault<CounterStartedInsertFirst>>());
        if (!insertOnInitial)
        {
            // Each lost race is a duplicate key on INSERT, replayed once by retry (which then loads the winner's row).
            Assert.Equal(rowLock.Conflicts, host.Retries.Count);
        }
        else
        {
            // The savepoint keeps the transaction alive: the loser loads the winner's row without a retry.
            Assert.Equal(0, host.Retries.Count);
        }

        Task StartMessage(Guid id) => insertOnInitial
            ? host.Harness.Bus.Publish(new CounterStartedInsertFirst(id, flowName))
            : host.Harness.Bus.Publish(new CounterStarted(id, flowName));

        int ConsumedStarts(SagaTestHost h) => insertOnInitial
            ? h.Harness.Consumed.Select<CounterStartedInsertFirst>(x => x.Context.Message.FlowName == flowName && x.Exception is null).Count()
            : h.Harness.Consumed.Select<CounterStarted>(x => x.Context.Message.FlowName == flowName && x.Exception is null).Count();
    }

    [ProviderFact]
    public async Task The_version_column_refuses_an_update_based_on_a_stale_read()
    {
        // Optimistic concurrency, the safety net behind the row lock: two readers of version 0, the second writer loses.
        var id = NewId.NextGuid();
        await using (var db = database.CreateDbContext())
        {
            db.FlowRuns.Add(NewRun(id));
            await db.SaveChangesAsync();
        }

        await using var first = database.CreateDbContext();
        await using var second = database.CreateDbContext();
        var mine = await first.FlowRuns.SingleAsync(r => r.CorrelationId == id);
        var theirs = await second.FlowRuns.SingleAsync(r => r.CorrelationId == id);

        mine.Cursor = 1;
        mine.Version++;
        await first.SaveChangesAsync();
        theirs.Cursor = 2;
        theirs.Version++;
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());

        await using var reader = database.CreateDbContext();
        var stored = await reader.FlowRuns.AsNoTracking().SingleAsync(r => r.CorrelationId == id);
        Assert.Equal(1, stored.Cursor);
        Assert.Equal(1, stored.Version);
    }

    [ProviderFact]
    public async Task A_run_its_history_and_its_outbox_rows_read_back_exactly_as_written()
    {
        // Every mapped column with a value that tests its type: offsets (stored as UTC), microseconds, long and non-ASCII
        // text, nulls, enums stored as text, an error as JSON, a duration as ticks.
        var id = NewId.NextGuid();
        var at = new DateTimeOffset(2026, 12, 2, 23, 59, 58, TimeSpan.FromHours(-7)).AddTicks(1234560);
        var run = NewRun(id);
        run.IdempotencyKey = "clé-🔑-" + new string('k', 180);
        run.Cursor = 42;
        run.CurrentStep = "enrich-sources";
        run.StateJson = "{\"issues\":\"" + new string('x', 20_000) + "\",\"name\":\"Ünïcødé ✓\"}";
        run.ProgressJson = "{\"open\":[]}";
        run.ErrorSummary = new string('e', 2000);
        run.CreatedAt = at;
        run.UpdatedAt = at.AddSeconds(1);
        run.EndedAt = at.AddMinutes(1);
        run.NextWakeAt = at.AddHours(1);
        var execution = new NodeExecution
        {
            ExecutionId = NewId.NextGuid(),
            RunId = id,
            Sequence = 7,
            NodeName = "enrich-jira",
            StepName = "enrich-sources",
            Attempt = 3,
            IsCompensation = true,
            CompensatesNode = "create-order",
            Outcome = NodeExecutionOutcome.Failed,
            InputJson = "{\"ids\":[1,2,3]}",
            DispatchedAt = at,
            StartedAt = at.AddMilliseconds(5),
            EndedAt = at.AddMilliseconds(10),
            WorkerId = "worker-1",
            Error = new ErrorInfo { Type = "System.TimeoutException", Message = "ça a expiré" },
            RateLimitWait = TimeSpan.FromMilliseconds(1500),
        };
        var outbox = new OutboxMessage
        {
            Id = NewId.NextGuid(),
            RunId = id,
            CreatedAt = at,
            Kind = OutboxMessageKind.Send,
            DestinationQueue = "enrichment-queue",
            MessageType = typeof(ExecuteNode).FullName!,
            Body = "{\"nodeName\":\"enrich-jira\"}",
        };
        await using (var db = database.CreateDbContext())
        {
            db.AddRange(run, execution, outbox);
            await db.SaveChangesAsync();
        }

        await using var reader = database.CreateDbContext();
        var storedRun = await reader.FlowRuns.AsNoTracking().SingleAsync(r => r.CorrelationId == id);
        var storedExecution = await reader.NodeExecutions.AsNoTracking().SingleAsync(e => e.RunId == id);
        var storedOutbox = await reader.OutboxMessages.AsNoTracking().SingleAsync(m => m.RunId == id);

        Assert.Equivalent(run, storedRun, strict: true);
        Assert.Equal(TimeSpan.Zero, storedRun.CreatedAt.Offset);
        Assert.Equal(at.UtcTicks, storedRun.CreatedAt.UtcTicks);
        Assert.Equivalent(execution, storedExecution, strict: true);
        Assert.Equivalent(outbox, storedOutbox, strict: true);

        // The indexed queries find it as the timer sweep and the operators ask.
        Assert.Equal([id], await reader.FlowRuns.Where(r => r.NextWakeAt <= at.AddHours(2) && r.FlowName == run.FlowName).Select(r => r.CorrelationId).ToListAsync());
    }

    /// <summary>
    /// How simultaneous messages for one run met on this database: waiting on the row lock (servers), or taking turns to
    /// write (SQLite).
    /// </summary>
    protected abstract void AssertHowSimultaneousWritersMet(InstrumentedRowLock rowLock, RetryCounter retries);

    protected Task<SagaTestHost> StartAsync(ISagaRowLock rowLock, int retryLimit, int? concurrentMessageLimit = null) =>
        SagaTestHost.StartAsync<ResoluteDbContext>(
            database.Persistence(),
            concurrentMessageLimit ?? database.ConcurrentMessageLimit,
            retryLimit,
            services => services.AddResoluteSagaRowLock(rowLock));

    protected static async Task<Guid> StartRunAsync(SagaTestHost host)
    {
        var id = NewId.NextGuid();
        await host.Harness.Bus.Publish(new CounterStarted(id, "counter"));
        await Poll.UntilAsync(() => host.ReadRunAsync<ResoluteDbContext>(id), r => r is not null, Deadline, "the run's row");
        return id;
    }

    private static FlowRun NewRun(Guid id) => new()
    {
        CorrelationId = id,
        CurrentState = "Running",
        FlowName = $"round-trip-{id:N}",
        FlowVersion = "1",
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    private async Task<int> CountRunsAsync(string flowName, string? state)
    {
        await using var db = database.CreateDbContext();
        return await db.FlowRuns.CountAsync(r => r.FlowName == flowName && (state == null || r.CurrentState == state));
    }
}

/// <summary>
/// The saga repository on a database server that orchestrator replicas share (PostgreSQL, SQL Server): simultaneous
/// messages wait on the run's row lock, and without it the version column alone still loses nothing.
/// </summary>
/// <typeparam name="TDatabase">The provider under test.</typeparam>
public abstract class ServerSagaRepositorySuite<TDatabase>(TDatabase database, ITestOutputHelper output) : SagaRepositorySuite<TDatabase>(database, output)
    where TDatabase : DatabaseProviderFixture
{
    [ProviderFact]
    public async Task Without_the_row_lock_the_version_check_still_loses_no_increment()
    {
        // The safety net alone: a plain SELECT lets writers overlap; the version column turns the losers into
        // ConcurrencyExceptions that message retry replays.
        var rowLock = new InstrumentedRowLock(Database.CreateProvider(Database.ConnectionString).RowLock, plainLoad: true);
        await using var host = await StartAsync(rowLock, retryLimit: 1000, concurrentMessageLimit: 16);
        var id = await StartRunAsync(host);

        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Increments).Select(_ => host.Harness.Bus.Publish(new CounterIncremented(id))));
        var run = await Poll.UntilAsync(() => host.ReadRunAsync<ResoluteDbContext>(id), r => r!.Cursor >= Increments, Deadline, "100 increments");
        watch.Stop();

        Output.WriteLine($"{Database.Name}, version check only: {Increments} increments in {watch.Elapsed.TotalMilliseconds:0} ms, {host.Retries.Count} retries");
        Assert.Equal(Increments, run!.Cursor);
        Assert.Equal(Increments, run.Version);
        Assert.True(host.Retries.Count > 0, "no update ever conflicted: the version check was not exercised");
        Assert.False(await host.Harness.Published.Any<Fault<CounterIncremented>>());
    }

    /// <summary>The messages overlapped: several waited on the row lock at once.</summary>
    protected override void AssertHowSimultaneousWritersMet(InstrumentedRowLock rowLock, RetryCounter retries)
    {
        ArgumentNullException.ThrowIfNull(rowLock);
        Assert.True(rowLock.MaxConcurrentLoads > 1, "the messages never overlapped: the test proves nothing about concurrency");
    }
}
