using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Resolute.Contracts;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.IntegrationTests.Durability;
using Resolute.TestFlows;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Hosting;

/// <summary>An orchestrator and one worker, <c>w1</c>, stopped with a short shutdown drain; the scenario adds <c>w2</c> later.</summary>
public sealed class ShutdownDrainCluster : EngineCluster
{
    /// <summary>The drain of <c>w1</c> (<c>WorkerOptions.ShutdownDrainTimeout</c>).</summary>
    public static readonly TimeSpan Drain = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    protected override IReadOnlyList<WorkerSpec> Workers { get; } = [new("w1", [TestFlowCatalog.DefaultTaskQueue], Concurrency: 4, ShutdownDrain: Drain)];
}

/// <summary>
/// SIGTERM to a worker process while it runs two nodes (as Kubernetes stops a pod): the node that finishes within the
/// shutdown drain completes on that worker — its reply is sent and its command acknowledged, so it never runs again —
/// while the node still running when the drain ends sees its token fire, is not failed, and its command goes back to
/// the queue: a worker started afterwards runs the same attempt and the run completes. The stopped worker exits within
/// the drain plus the documented margin. Also: the readiness checks' queries on PostgreSQL.
/// </summary>
[Trait("Area", "Hosting")]
public sealed class ShutdownDrainScenario(ShutdownDrainCluster cluster, ITestOutputHelper output)
    : EngineScenario<ShutdownDrainCluster>(cluster, output), IClassFixture<ShutdownDrainCluster>
{
    // How long the short node works: well inside the drain, and long enough to be still running when SIGTERM arrives.
    private const int ShortNodeMs = 2500;

    // The drain and the 5 s AddResolute leaves after it for cancelled nodes to unwind and the bus and host to stop: the
    // terminationGracePeriodSeconds the docs ask for.
    private static readonly TimeSpan ExitBound = ShutdownDrainCluster.Drain + TimeSpan.FromSeconds(5);

    [Fact]
    public async Task On_SIGTERM_a_node_finishing_within_the_drain_completes_and_one_still_running_is_cancelled_and_redelivered_to_another_worker()
    {
        await ExecutionLedger.EnsureCreatedAsync(Cluster.PostgresConnectionString);
        var shortRun = await Cluster.Client.StartAsync(ShutdownDrainFlow.Name, new DrainRequest(ShortNodeMs));
        var longRun = await Cluster.Client.StartAsync(ShutdownDrainFlow.Name, new DrainRequest(ShortNodeMs, HangOnWorker: "w1"));
        Guid[] runIds = [shortRun, longRun];
        var shortKey = NodeContext.CreateIdempotencyKey(shortRun, ShutdownDrainFlow.Work);
        var longKey = NodeContext.CreateIdempotencyKey(longRun, ShutdownDrainFlow.Work);

        // Both nodes run on w1.
        await DurabilityProbe.WaitForLedgerAsync(Cluster, runIds, l => l.Count == 2, "both nodes started on w1", TimeSpan.FromSeconds(30));
        var w1 = Cluster.WorkerProcesses.Single(w => w.Name == "w1");
        var sigtermAt = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        await w1.TerminateAsync();

        var exited = await w1.WaitForExitAsync(ExitBound + TimeSpan.FromSeconds(15));
        var exitedAfter = clock.Elapsed;
        Assert.True(exited, $"w1 was still running {clock.Elapsed.TotalSeconds:0.0} s after SIGTERM.{Environment.NewLine}{Cluster.DescribeProcesses()}");
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"w1 exited with code {w1.ExitCode} {exitedAfter.TotalSeconds:0.00} s after SIGTERM (drain {ShutdownDrainCluster.Drain.TotalSeconds:0} s)"));
        Assert.Equal(0, w1.ExitCode);

        // It waited for the drain (the long node held it), and no longer than the drain plus the documented margin.
        Assert.True(exitedAfter >= ShutdownDrainCluster.Drain - TimeSpan.FromMilliseconds(100),
            $"w1 exited {exitedAfter.TotalSeconds:0.00} s after SIGTERM, before its drain of {ShutdownDrainCluster.Drain.TotalSeconds:0} s ended.");
        Assert.True(exitedAfter <= ExitBound, $"w1 took {exitedAfter.TotalSeconds:0.00} s to exit after SIGTERM; the bound is {ExitBound.TotalSeconds:0} s.");

        // The short node finished during the drain, on w1, and its run completed from w1's reply.
        var shortDone = await Cluster.WaitForEndAsync(shortRun, TimeSpan.FromSeconds(30));
        Assert.True(shortDone.Status == RunStatus.Completed, $"{shortDone}; history: {EngineCluster.Describe(shortDone.History)}");
        var shortAttempt = Assert.Single(shortDone.History);
        Assert.Equal((NodeExecutionOutcome.Completed, 1, "w1"), (shortAttempt.Outcome, shortAttempt.Attempt, shortAttempt.WorkerId));
        Assert.Equal(new DrainResult("w1"), shortDone.State.Get<DrainResult>(ShutdownDrainFlow.Work));

        var events = await ExecutionLedger.ReadEventsAsync(Cluster.PostgresConnectionString, runIds);
        Output.WriteLine(string.Join(Environment.NewLine, events.Select(e => string.Create(CultureInfo.InvariantCulture,
            $"  {(e.RunId == shortRun ? "short" : "long")} node {e.Event} on {e.Worker} {(e.RecordedAt - sigtermAt).TotalSeconds:0.00} s after SIGTERM"))));
        var shortFinished = Assert.Single(events, e => e.IdempotencyKey == shortKey);
        Assert.Equal(("finished", "w1"), (shortFinished.Event, shortFinished.Worker));
        Assert.True(shortFinished.RecordedAt > sigtermAt,
            "The short node finished before SIGTERM reached w1 (a slow machine?): this run proves nothing about the drain.");

        // The long node's token fired on w1 when the drain ended; it was not failed: its attempt is still the open one.
        var longCancelled = Assert.Single(events, e => e.IdempotencyKey == longKey);
        Assert.Equal(("cancelled", "w1"), (longCancelled.Event, longCancelled.Worker));
        Assert.True(longCancelled.RecordedAt - sigtermAt >= ShutdownDrainCluster.Drain - TimeSpan.FromMilliseconds(100),
            $"The long node was cancelled {(longCancelled.RecordedAt - sigtermAt).TotalSeconds:0.00} s after SIGTERM, before the drain of {ShutdownDrainCluster.Drain.TotalSeconds:0} s ended.");
        var waiting = await Cluster.Client.GetRunAsync(longRun) ?? throw new InvalidOperationException($"Run {longRun} was not found.");
        Assert.True(
            waiting.Status == RunStatus.Running && waiting.History.Count == 1 && waiting.History[0] is { Outcome: NodeExecutionOutcome.Pending, Attempt: 1 },
            $"{waiting}; history: {EngineCluster.Describe(waiting.History)}");

        // A worker started afterwards gets the same command (attempt 1: redelivered by the broker, not re-dispatched).
        await Cluster.StartWorkerAsync(new WorkerSpec("w2", [TestFlowCatalog.DefaultTaskQueue]));
        var longDone = await Cluster.WaitForEndAsync(longRun, TimeSpan.FromSeconds(30));
        Assert.True(longDone.Status == RunStatus.Completed, $"{longDone}; history: {EngineCluster.Describe(longDone.History)}");
        var longAttempt = Assert.Single(longDone.History);
        Assert.Equal((NodeExecutionOutcome.Completed, 1, "w2"), (longAttempt.Outcome, longAttempt.Attempt, longAttempt.WorkerId));
        Assert.Equal(new DrainResult("w2"), longDone.State.Get<DrainResult>(ShutdownDrainFlow.Work));

        // Executions: the short node once (acknowledged on w1, never redelivered), the long one on w1 then on w2.
        var ledger = await ExecutionLedger.ReadAsync(Cluster.PostgresConnectionString, runIds);
        Assert.Equal(["w1"], ledger.Where(e => e.IdempotencyKey == shortKey).Select(e => e.Worker));
        Assert.Equal(["w1", "w2"], ledger.Where(e => e.IdempotencyKey == longKey).Select(e => e.Worker));
        Assert.All(ledger, e => Assert.Equal(1, e.Attempt));
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task The_readiness_checks_read_the_cluster_database_on_PostgreSQL_and_an_old_outbox_row_fails_the_outbox_check()
    {
        // An orchestrator's registrations against the cluster's database (migrated by the orchestrator process), not started.
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddResolute(r =>
        {
            foreach (var flow in TestFlowCatalog.All)
            {
                r.AddFlow(flow.Flow, flow.TaskQueue);
            }

            r.UsePostgres(Cluster.PostgresConnectionString).AsOrchestrator();
        });
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();
        string[] checks = [ResoluteHealthChecks.Database, ResoluteHealthChecks.OutboxBacklog, ResoluteHealthChecks.TimerLag];

        var report = await health.CheckHealthAsync(c => checks.Contains(c.Name));
        Assert.True(report.Status == HealthStatus.Healthy, string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Status} {e.Value.Description}")));

        // A row of a message type no process knows stays (the sweeper leaves it for another version's replica).
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
            db.Set<OutboxMessage>().Add(new OutboxMessage
            {
                Id = Guid.NewGuid(),
                RunId = Guid.NewGuid(),
                CreatedAt = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5),
                Kind = OutboxMessageKind.Publish,
                MessageType = "Resolute.Contracts.AMessageOfAnotherVersion",
                Body = "{}",
            });
            await db.SaveChangesAsync();
        }

        var outbox = (await health.CheckHealthAsync(c => c.Name == ResoluteHealthChecks.OutboxBacklog)).Entries[ResoluteHealthChecks.OutboxBacklog];
        Assert.True(outbox.Status == HealthStatus.Unhealthy, $"{outbox.Status}: {outbox.Description}");
        Assert.Contains("5 min old", outbox.Description, StringComparison.Ordinal);
    }
}
