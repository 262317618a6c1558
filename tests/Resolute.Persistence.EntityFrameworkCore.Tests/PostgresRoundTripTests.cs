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
/// transactional outbox as the hosting wires it. The bounds are what the repository reaches today, so a change that
/// adds a statement or a round trip to the path of every message fails here.
/// </summary>
[Trait("Area", "Durability")]
public sealed class PostgresRoundTripTests(PostgresProviderFixture database, ITestOutputHelper output)
    : IClassFixture<PostgresProviderFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task One_saga_message_costs_one_transaction_of_three_round_trips_and_at_most_one_bulk_delete()
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
            Assert.Single(cost.All, s => s.StartsWith("BEGIN", StringComparison.OrdinalIgnoreCase));
            Assert.True(cost.PathRoundTrips <= 3, $"{cost.PathRoundTrips} round trips on the message's path: {cost}");

            // The delivered rows leave in bulk deletes off the path: at most one statement per message.
            Assert.True(cost.BackgroundRoundTrips <= 1, $"{cost.BackgroundRoundTrips} round trips of outbox deletes: {cost}");
        }

        // Start: BEGIN, SELECT ... FOR UPDATE, INSERT run, INSERT ExecuteNode + FlowRunStarted, COMMIT.
        Assert.True(start.PathStatements <= 6, $"{start.PathStatements} statements for a start: {start}");

        // Reply: BEGIN, SELECT ... FOR UPDATE, UPDATE run, INSERT the ended attempt's history row, INSERT ExecuteNode, COMMIT.
        Assert.True(reply.PathStatements <= 6, $"{reply.PathStatements} statements for a reply: {reply}");
    }

    private static Task ReplyAsync(OutboxTestHost host, ExecuteNode command) =>
        host.Harness.Bus.Publish(EchoNodeWorker.Reply(command, DateTimeOffset.UtcNow));

    private static async Task<ExecuteNode> CommandAsync(OutboxTestHost host, Guid runId, string node) =>
        (await Poll.UntilAsync(
            () => Task.FromResult(host.SentCommands(runId).Where(c => c.Command.NodeName == node).ToList()),
            c => c.Count > 0,
            Deadline,
            $"the command of {node}")).Single().Command;

    // Done when the message's rows are deleted and nothing is queued for deletion (read past the proxy: not counted).
    private async Task QuiesceAsync(OutboxTestHost host, Guid runId)
    {
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        await Poll.UntilAsync(
            async () => (await CountOutboxRowsAsync(runId), dispatcher.AwaitingDeletion),
            x => x.Item1 == 0 && x.AwaitingDeletion == 0,
            Deadline,
            "the run's outbox rows to be deleted");
    }

    private async Task<int> CountOutboxRowsAsync(Guid runId)
    {
        await using var db = database.CreateDbContext();
        return await db.OutboxMessages.CountAsync(x => x.RunId == runId);
    }

    /// <summary>What one message cost, split into its own path and the background deletes of delivered rows.</summary>
    private sealed class MessageCost(IReadOnlyList<PostgresWireCounter.RoundTrip> roundTrips)
    {
        private readonly List<PostgresWireCounter.RoundTrip> _path = roundTrips.Where(r => !IsDelete(r)).ToList();
        private readonly List<PostgresWireCounter.RoundTrip> _background = roundTrips.Where(IsDelete).ToList();

        public IEnumerable<string> All => roundTrips.SelectMany(r => r.Statements);

        public int PathRoundTrips => _path.Count;

        public int PathStatements => _path.Sum(r => r.Statements.Count);

        public int BackgroundRoundTrips => _background.Count;

        public override string ToString() =>
            $"{PathStatements + _background.Sum(r => r.Statements.Count)} statements in {roundTrips.Count} round trips; "
            + $"path {PathStatements} in {PathRoundTrips}, outbox deletes {_background.Sum(r => r.Statements.Count)} in {BackgroundRoundTrips}"
            + string.Concat(roundTrips.Select((r, i) => $"\n  {i + 1}. [connection {r.ConnectionId}] {string.Join(" | ", r.Statements.Select(Short))}"));

        private static bool IsDelete(PostgresWireCounter.RoundTrip roundTrip) =>
            roundTrip.Statements.Any(s => s.StartsWith("DELETE FROM resolute_outbox", StringComparison.Ordinal));

        private static string Short(string sql)
        {
            var oneLine = string.Join(' ', sql.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
            return oneLine.Length <= 90 ? oneLine : oneLine[..90] + "…";
        }
    }
}
