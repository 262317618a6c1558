using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Persistence.EntityFrameworkCore.Saga;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;
using Resolute.Persistence.PostgreSql;
using Xunit.Abstractions;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// The saga repository on real PostgreSQL, on the migrated <see cref="ResoluteDbContext"/>: parallel replies for one run
/// are all counted, and two first messages for one run create one row.
/// </summary>
[Trait("Area", "Engine")]
public sealed class PostgresSagaRepositoryTests(PostgresSagaRepositoryTests.MigratedDatabase database, ITestOutputHelper output)
    : IClassFixture<PostgresSagaRepositoryTests.MigratedDatabase>
{
    private const int Increments = 100;
    private const int Concurrency = 16;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Hundred_simultaneous_increments_for_one_run_are_all_counted_with_row_locks()
    {
        var rowLock = new InstrumentedRowLock(new PostgreSqlSagaRowLock());
        await using var host = await StartAsync(rowLock, retryLimit: 10);
        var id = await StartRunAsync(host);

        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Increments).Select(_ => host.Harness.Bus.Publish(new CounterIncremented(id))));
        var run = await Poll.UntilAsync(() => host.ReadRunAsync<ResoluteDbContext>(id), r => r!.Cursor >= Increments, Deadline, "100 increments");
        watch.Stop();

        output.WriteLine(
            $"row lock: {Increments} increments in {watch.Elapsed.TotalMilliseconds:0} ms, {host.Retries.Count} retries, "
            + $"up to {rowLock.MaxConcurrentLoads} messages waiting on the row at once");
        Assert.Equal(Increments, run!.Cursor);
        Assert.Equal(Increments, run.Version);
        Assert.False(await host.Harness.Published.Any<Fault<CounterIncremented>>());
        Assert.True(rowLock.MaxConcurrentLoads > 1, "the messages never overlapped: the test proves nothing about concurrency");
    }

    [Fact]
    public async Task Without_the_row_lock_the_version_check_still_loses_no_increment()
    {
        // The safety net alone: a plain SELECT lets writers overlap; the version column turns the losers into
        // ConcurrencyExceptions that message retry replays.
        var rowLock = new InstrumentedRowLock(new PostgreSqlSagaRowLock(), plainLoad: true);
        await using var host = await StartAsync(rowLock, retryLimit: 1000);
        var id = await StartRunAsync(host);

        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Increments).Select(_ => host.Harness.Bus.Publish(new CounterIncremented(id))));
        var run = await Poll.UntilAsync(() => host.ReadRunAsync<ResoluteDbContext>(id), r => r!.Cursor >= Increments, Deadline, "100 increments");
        watch.Stop();

        output.WriteLine(
            $"version check only: {Increments} increments in {watch.Elapsed.TotalMilliseconds:0} ms, {host.Retries.Count} retries");
        Assert.Equal(Increments, run!.Cursor);
        Assert.Equal(Increments, run.Version);
        Assert.True(host.Retries.Count > 0, "no update ever conflicted: the version check was not exercised");
        Assert.False(await host.Harness.Published.Any<Fault<CounterIncremented>>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Two_simultaneous_first_messages_for_a_run_create_exactly_one_row(bool insertOnInitial)
    {
        // Many pairs, so that the race (both load nothing, both insert) really happens, not just by luck.
        const int Runs = 25;
        var rowLock = new InstrumentedRowLock(new PostgreSqlSagaRowLock());
        await using var host = await StartAsync(rowLock, retryLimit: 10);
        var ids = Enumerable.Range(0, Runs).Select(_ => NewId.NextGuid()).ToList();
        var flowName = $"race-{insertOnInitial}-{Guid.NewGuid():N}";

        await Task.WhenAll(ids.SelectMany(id => new[] { StartMessage(id), StartMessage(id) }));

        // Both messages of every pair consumed (successfully: faults would be published) and every row there.
        await Poll.UntilAsync(
            () => Task.FromResult(ConsumedStarts(host)),
            n => n >= 2 * Runs,
            Deadline,
            $"{2 * Runs} start messages consumed");
        var rows = await Poll.UntilAsync(
            () => database.Database.ScalarAsync<int>($"SELECT count(*) FROM resolute_flow_runs WHERE flow_name = '{flowName}'"),
            n => n >= Runs,
            Deadline,
            "rows");

        output.WriteLine($"insertOnInitial={insertOnInitial}: {rowLock.Conflicts} insert races seen, {host.Retries.Count} retries");
        Assert.Equal(Runs, rows);
        Assert.Equal(Runs, await database.Database.ScalarAsync<int>(
            $"SELECT count(DISTINCT correlation_id) FROM resolute_flow_runs WHERE flow_name = '{flowName}' AND current_state = 'Running'"));
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

    private Task<SagaTestHost> StartAsync(ISagaRowLock rowLock, int retryLimit) =>
        SagaTestHost.StartAsync<ResoluteDbContext>(
            p => p.UsePostgres(database.Database.ConnectionString),
            Concurrency,
            retryLimit,
            services => services.AddResoluteSagaRowLock(rowLock));

    private static async Task<Guid> StartRunAsync(SagaTestHost host)
    {
        var id = NewId.NextGuid();
        await host.Harness.Bus.Publish(new CounterStarted(id, "counter"));
        await Poll.UntilAsync(() => host.ReadRunAsync<ResoluteDbContext>(id), r => r is not null, Deadline, "the run's row");
        return id;
    }

    /// <summary>A database of its own, migrated once with <see cref="ResoluteDatabaseMigrator"/>.</summary>
    public sealed class MigratedDatabase : IAsyncLifetime
    {
        public PostgresTestDatabase Database { get; } = new();

        public async Task InitializeAsync()
        {
            await Database.InitializeAsync();
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddResolutePersistence(p => p.UsePostgres(Database.ConnectionString));
            await using var provider = services.BuildServiceProvider();
            await provider.GetRequiredService<ResoluteDatabaseMigrator>().MigrateAsync();
        }

        public Task DisposeAsync() => Database.DisposeAsync();
    }
}
