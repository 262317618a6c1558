using System.Text.Json;
using MassTransit;
using MassTransit.Context;
using MassTransit.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Contracts;
using Resolute.Orchestration.Decisions;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;
using Xunit.Abstractions;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// The transactional outbox on a migrated SQLite file (<see cref="OutboxSuite{TDatabase}"/>), where dates are UTC ticks and
/// GUIDs text, so every raw statement's parameters must be converted like EF's own — and the outbox's parts one by one.
/// </summary>
[Trait("Area", "Durability")]
public sealed class SqliteOutboxTests(SqliteProviderFixture database, ITestOutputHelper output)
    : OutboxSuite<SqliteProviderFixture>(database, output), IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("resolute-outbox-");

    [Fact]
    public async Task The_emitter_writes_one_row_per_command_and_event_into_the_payload_DbContext()
    {
        await using var services = await MigratedAsync();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
        var runId = NewId.NextGuid();
        var batch = new OutboxBatch();
        var decision = new FlowRunDecision();
        decision.Dispatches.Add(new NodeDispatch("queue-a", Command(runId, "a")));
        decision.Dispatches.Add(new NodeDispatch("queue-b", Command(runId, "b")));
        decision.Events.Add(new FlowRunStarted { RunId = runId, FlowName = "f", FlowVersion = "1" });

        await InConsumeContextAsync(context => new TransactionalOutboxEmitter(TimeProvider.System).EmitAsync(new TestConsumeContext(context, null, runId, db, batch), decision));

        var rows = db.ChangeTracker.Entries<OutboxMessage>().Select(e => e.Entity).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(rows.Select(r => r.Id), batch.Messages.Select(m => m.Row.Id));
        Assert.All(rows, r => Assert.Equal(runId, r.RunId));
        Assert.Equal([OutboxMessageKind.Send, OutboxMessageKind.Send, OutboxMessageKind.Publish], rows.Select(r => r.Kind));
        Assert.Equal(["queue-a", "queue-b", null], rows.Select(r => r.DestinationQueue));
        Assert.Equal([typeof(ExecuteNode).FullName, typeof(ExecuteNode).FullName, typeof(FlowRunStarted).FullName], rows.Select(r => r.MessageType));
        Assert.Equal("b", JsonSerializer.Deserialize<ExecuteNode>(rows[1].Body, SystemTextJsonMessageSerializer.Options)!.NodeName);

        // Nothing is written until the repository saves; then it is all there.
        await db.SaveChangesAsync();
        Assert.Equal(3, await db.OutboxMessages.CountAsync(x => x.RunId == runId));
    }

    [Fact]
    public async Task The_emitter_refuses_to_work_without_the_repositorys_DbContext_and_refuses_non_contract_messages()
    {
        var decision = new FlowRunDecision();
        decision.Events.Add(new FlowRunStarted { RunId = Guid.NewGuid(), FlowName = "f", FlowVersion = "1" });
        var emitter = new TransactionalOutboxEmitter(TimeProvider.System);

        var noDb = await Assert.ThrowsAsync<InvalidOperationException>(() => InConsumeContextAsync(c => emitter.EmitAsync(new TestConsumeContext(c, null, null), decision)));
        Assert.Contains("UseResoluteEntityFramework", noDb.Message, StringComparison.Ordinal);

        await using var services = await MigratedAsync();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
        var foreign = new FlowRunDecision();
        foreign.Events.Add(new NotAContract("x"));
        var notContract = await Assert.ThrowsAsync<InvalidOperationException>(() => InConsumeContextAsync(c => emitter.EmitAsync(new TestConsumeContext(c, null, null, db), foreign)));
        Assert.Contains("Resolute.Contracts", notContract.Message, StringComparison.Ordinal);
        Assert.Empty(db.ChangeTracker.Entries<OutboxMessage>());
    }

    [Theory]
    [InlineData("Resolute.Contracts.ExecuteNode", true)]
    [InlineData("Resolute.Contracts.FlowRunCompleted", true)]
    [InlineData("System.Diagnostics.Process", false)]
    [InlineData("Resolute.Contracts.ExecuteNode, Resolute.Contracts", false)]
    [InlineData("System.Collections.Generic.List`1[[System.Diagnostics.Process, System.Diagnostics.Process]]", false)]
    [InlineData("Resolute.Persistence.EntityFrameworkCore.Outbox.OutboxMessage", false)]
    [InlineData("", false)]
    public void Delivery_resolves_message_types_only_from_the_contracts_assembly(string name, bool resolves)
    {
        var type = OutboxContracts.Resolve(name);

        Assert.Equal(resolves, type is not null);
        if (type is not null)
        {
            Assert.Equal(typeof(ExecuteNode).Assembly, type.Assembly);
        }
    }

    [Fact]
    public async Task The_raw_claim_statement_binds_dates_as_UTC_ticks_and_ids_as_text_like_EF_does()
    {
        await using var services = await MigratedAsync();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
        var now = DateTimeOffset.UtcNow;
        var rows = new[] { -30, -20, -10, +10 }.Select(seconds => new OutboxMessage
        {
            Id = NewId.NextGuid(),
            RunId = Guid.NewGuid(),
            CreatedAt = now.AddSeconds(seconds).ToOffset(TimeSpan.FromHours(-5)),
            Kind = OutboxMessageKind.Publish,
            MessageType = typeof(FlowRunStarted).FullName!,
            Body = "{}",
        }).ToList();
        db.OutboxMessages.AddRange(rows);
        await db.SaveChangesAsync();
        var statements = OutboxStatements.For(db, new Sqlite.SqliteOutboxRowLock());

        // A local offset on the cutoff, too: the comparison is on UTC ticks.
        var claimed = await statements.ClaimCreatedBeforeAsync(db, now.ToOffset(TimeSpan.FromHours(9)), 10, [rows[1].Id], CancellationToken.None);

        Assert.Equal([rows[0].Id, rows[2].Id], claimed.Select(r => r.Id));
        Assert.Equal([rows[0].Id], (await statements.ClaimCreatedBeforeAsync(db, now, 1, [], CancellationToken.None)).Select(r => r.Id));
    }

    [Fact]
    public async Task On_SQLite_the_sweeper_leaves_rows_of_unknown_types_in_place_and_compares_ticks()
    {
        await using var host = await StartAsync(o =>
        {
            o.SweepAge = TimeSpan.Zero;
            o.SweepInterval = TimeSpan.FromHours(1);
        });
        var runId = NewId.NextGuid();
        var known = new OutboxMessage
        {
            Id = NewId.NextGuid(),
            RunId = runId,
            CreatedAt = DateTimeOffset.UtcNow.AddSeconds(-5),
            Kind = OutboxMessageKind.Publish,
            MessageType = typeof(FlowRunStarted).FullName!,
            Body = JsonSerializer.Serialize(new FlowRunStarted { RunId = runId, FlowName = "f", FlowVersion = "1" }, SystemTextJsonMessageSerializer.Options),
        };
        var unknown = new OutboxMessage
        {
            Id = NewId.NextGuid(),
            RunId = runId,
            CreatedAt = DateTimeOffset.UtcNow.AddSeconds(-6),
            Kind = OutboxMessageKind.Publish,
            MessageType = "System.Diagnostics.Process",
            Body = "{}",
        };
        var future = new OutboxMessage
        {
            Id = NewId.NextGuid(),
            RunId = runId,
            CreatedAt = DateTimeOffset.UtcNow.AddHours(1),
            Kind = OutboxMessageKind.Publish,
            MessageType = typeof(FlowRunStarted).FullName!,
            Body = known.Body,
        };
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
            db.OutboxMessages.AddRange(known, unknown, future);
            await db.SaveChangesAsync();
        }

        Assert.Equal(1, await host.Sweeper.DeliverDueAsync());
        Assert.Equal(0, await host.Sweeper.DeliverDueAsync());

        Assert.Equal([unknown.Id, future.Id], (await host.OutboxRowsAsync(runId)).OrderBy(r => r.CreatedAt).Select(r => r.Id));
        Assert.Single(host.Harness.Published.Select<FlowRunStarted>(x => x.Context.MessageId == known.Id));
        Assert.Equal(1, host.Logs.Count(2006));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private static ExecuteNode Command(Guid runId, string node) => new()
    {
        RunId = runId,
        ExecutionId = NewId.NextGuid(),
        FlowName = "f",
        FlowVersion = "1",
        NodeName = node,
        StepName = node,
        Attempt = 1,
        IdempotencyKey = $"{runId}:{node}",
        Timeout = TimeSpan.FromMinutes(1),
    };

    private string ConnectionString(string name) => $"Data Source={Path.Combine(_directory.FullName, name)}";

    private async Task<ServiceProvider> MigratedAsync()
    {
        var services = MigrationTests.Build(p => p.UseSqlite(ConnectionString("unit.db")));
        await services.GetRequiredService<ResoluteDatabaseMigrator>().MigrateAsync();
        return services;
    }

    private async Task<OutboxTestHost> StartAsync(Action<ResoluteOutboxOptions> outbox)
    {
        var host = await OutboxTestHost.StartAsync(p => p.UseSqlite(ConnectionString("host.db")), outbox, concurrentMessageLimit: 1);
        await host.Services.GetRequiredService<ResoluteDatabaseMigrator>().MigrateAsync();
        return host;
    }

    /// <summary>Runs <paramref name="action"/> inside the consume of a real message on an in-memory bus.</summary>
    private static async Task InConsumeContextAsync(Func<ConsumeContext, Task> action)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bus = Bus.Factory.CreateUsingInMemory(cfg => cfg.ReceiveEndpoint("outbox-unit", e => e.Handler<Ping>(async context =>
        {
            try
            {
                await action(context);
                done.TrySetResult();
            }
            catch (Exception exception)
            {
                done.TrySetException(exception);
            }
        })));
        await bus.StartAsync();
        try
        {
            await bus.Publish(new Ping());
            await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    public sealed record Ping;

    public sealed record NotAContract(string Value);

    /// <summary>A consume context with a chosen MessageId, correlation id and payloads (the repository's DbContext, a batch).</summary>
    private sealed class TestConsumeContext(ConsumeContext context, Guid? messageId, Guid? correlationId, params object[] payloads)
        : ConsumeContextScope(context, payloads)
    {
        public override Guid? MessageId => messageId;

        public override Guid? CorrelationId => correlationId;
    }
}
