using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Contracts;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;
using Xunit.Abstractions;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// What one saga message costs the database, counted on the wire between Npgsql and a real PostgreSQL server: the
/// statements executed and the round trips (waits for the server), for a start and for a node's reply, with the
/// transactional outbox as the hosting wires it: the saga's transaction, then the fast path's (hold the rows, send, delete,
/// commit). The bounds are what the repository reaches today, so a change that adds a statement or a round trip to every
/// message fails here.
/// </summary>
[Trait("Area", "Durability")]
public sealed class PostgresRoundTripTests(PostgresProviderFixture database, ITestOutputHelper output)
    : IClassFixture<PostgresProviderFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task One_saga_message_costs_one_transaction_of_three_round_trips_and_its_delivery_one_of_three()
    {
        await using var counter = new PostgresWireCounter(database.ConnectionString);
        await using var host = await OutboxTestHost.StartAsync(
            p => p.UsePostgres(counter.ConnectionString),
            o => o.SweepInterval = TimeSpan.FromHours(1));

        // Warm-up: pools open, statements prepared, JIT done — the steady state every later message sees.
        for (var i = 0; i < 3; i++)
        {
            var warmup = await host.StartRunAsync(OutboxTestHost.TwoStepFlow);
            await ReplyAsync(host, await CommandAsync(host, warmup, "first"));
            await ReplyAsync(host, await CommandAsync(host, warmup, "second"));
            await host.WaitForStatusAsync(warmup, RunStatus.Completed, Deadline);
            await QuiesceAsync(host, warmup);
        }

        counter.Reset();
        var runId = await host.StartRunAsync(OutboxTestHost.TwoStepFlow);
        var first = await CommandAsync(host, runId, "first");
        await QuiesceAsync(host, runId);
        var start = new MessageCost(counter.Snapshot());

        counter.Reset();
        await ReplyAsync(host, first);
        await CommandAsync(host, runId, "second");
        await QuiesceAsync(host, runId);
        var reply = new MessageCost(counter.Snapshot());

        output.WriteLine($"StartFlow: {start}");
        output.WriteLine($"NodeCompleted: {reply}");

        // Per message: one transaction, BEGIN pipelined with the locking read, then one batch of every write, then COMMIT.
        // No savepoint, no pool reset, no inbox read (replies are recognised by the attempt ids the run holds).
        foreach (var cost in new[] { start, reply })
        {
            Assert.DoesNotContain(cost.All, s => s.StartsWith("SAVEPOINT", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(cost.All, s => s.StartsWith("RELEASE", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(cost.All, s => s.StartsWith("DISCARD", StringComparison.OrdinalIgnoreCase));
            Assert.Single(cost.Path, s => s.StartsWith("BEGIN", StringComparison.OrdinalIgnoreCase));
            Assert.True(cost.PathRoundTrips <= 3, $"{cost.PathRoundTrips} round trips on the message's path: {cost}");

            // The delivery after the commit: BEGIN with the locking read of the batch's rows, the delete, COMMIT.
            Assert.True(cost.DeliveryRoundTrips <= 3, $"{cost.DeliveryRoundTrips} round trips to deliver the message's rows: {cost}");
            Assert.Single(cost.Delivery, s => s.StartsWith("BEGIN", StringComparison.OrdinalIgnoreCase));
            Assert.Single(cost.Delivery, s => s.StartsWith("DELETE FROM resolute_outbox", StringComparison.Ordinal));
            Assert.True(cost.Delivery.Count() <= 4, $"{cost.Delivery.Count()} statements to deliver the message's rows: {cost}");
        }

        // Start: BEGIN, SELECT ... FOR UPDATE, INSERT run, INSERT ExecuteNode, FlowRunStarted, FlowRunNodeDispatched, COMMIT.
        Assert.True(start.PathStatements <= 7, $"{start.PathStatements} statements for a start: {start}");

        // Reply: BEGIN, SELECT ... FOR UPDATE, UPDATE run, INSERT the ended attempt's history row, INSERT ExecuteNode,
        // FlowRunNodeCompleted, FlowRunNodeDispatched, COMMIT. The node lifecycle events add rows to the batch, not round trips.
        Assert.True(reply.PathStatements <= 8, $"{reply.PathStatements} statements for a reply: {reply}");
    }

    private static Task ReplyAsync(OutboxTestHost host, ExecuteNode command) =>
        host.Harness.Bus.Publish(EchoNodeWorker.Reply(command, DateTimeOffset.UtcNow));

    private static async Task<ExecuteNode> CommandAsync(OutboxTestHost host, Guid runId, string node) =>
        (await Poll.UntilAsync(
            () => Task.FromResult(host.SentCommands(runId).Where(c => c.Command.NodeName == node).ToList()),
            c => c.Count > 0,
            Deadline,
            $"the command of {node}")).Single().Command;

    // Done when the message's rows are deleted (read past the proxy: not counted).
    private async Task QuiesceAsync(OutboxTestHost host, Guid runId)
    {
        _ = host;
        await Poll.UntilAsync(() => CountOutboxRowsAsync(runId), n => n == 0, Deadline, "the run's outbox rows to be deleted");
    }

    private async Task<int> CountOutboxRowsAsync(Guid runId)
    {
        await using var db = database.CreateDbContext();
        return await db.OutboxMessages.CountAsync(x => x.RunId == runId);
    }

    /// <summary>What one message cost, split into its own transaction and the fast path's delivery of its outbox rows.</summary>
    private sealed class MessageCost
    {
        private readonly IReadOnlyList<PostgresWireCounter.RoundTrip> _all;
        private readonly List<PostgresWireCounter.RoundTrip> _path;
        private readonly List<PostgresWireCounter.RoundTrip> _delivery;

        public MessageCost(IReadOnlyList<PostgresWireCounter.RoundTrip> roundTrips)
        {
            _all = roundTrips;

            // The delivery runs on a connection of its own (the saga's is still held by the message's scope).
            var deliveryConnections = roundTrips.Where(r => r.Statements.Any(s => s.Contains("FROM resolute_outbox", StringComparison.Ordinal) && s.Contains("SKIP LOCKED", StringComparison.Ordinal)))
                .Select(r => r.ConnectionId).ToHashSet();
            _path = roundTrips.Where(r => !deliveryConnections.Contains(r.ConnectionId)).ToList();
            _delivery = roundTrips.Where(r => deliveryConnections.Contains(r.ConnectionId)).ToList();
        }

        public IEnumerable<string> All => _all.SelectMany(r => r.Statements);

        public IEnumerable<string> Path => _path.SelectMany(r => r.Statements);

        public IEnumerable<string> Delivery => _delivery.SelectMany(r => r.Statements);

        public int PathRoundTrips => _path.Count;

        public int PathStatements => Path.Count();

        public int DeliveryRoundTrips => _delivery.Count;

        public override string ToString() =>
            $"{All.Count()} statements in {_all.Count} round trips; "
            + $"path {PathStatements} in {PathRoundTrips}, delivery {Delivery.Count()} in {DeliveryRoundTrips}"
            + string.Concat(_all.Select((r, i) => $"\n  {i + 1}. [connection {r.ConnectionId}] {string.Join(" | ", r.Statements.Select(Short))}"));

        private static string Short(string sql)
        {
            var oneLine = string.Join(' ', sql.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
            return oneLine.Length <= 90 ? oneLine : oneLine[..90] + "…";
        }
    }
}
