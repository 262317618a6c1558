using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Contracts;
using Resolute.Orchestration.Sagas;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;
using Resolute.Persistence.EntityFrameworkCore.Runs;

namespace Resolute.Hosting.Tests;

/// <summary>
/// The transactional outbox as <c>AddResolute</c> wires it, in the embedded mode (in-memory transport, SQLite): on by
/// default, messages leave right after the commit, a failure before the commit sends nothing, a delivery abandoned after
/// the commit is made up by the sweeper, and turning it off keeps the in-memory outbox path.
/// </summary>
[Trait("Area", "Durability")]
public sealed class TransactionalOutboxScenario : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _database = SqliteFiles.NewPath();
    private readonly ConcurrentDictionary<string, int> _executions = new();

    [Fact]
    public async Task By_default_emissions_are_stored_with_the_run_and_delivered_right_after_the_commit()
    {
        // The sweeper may not take anything (1 h): the run can only complete through the fast path.
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(Pipeline()).ConfigureOutbox(o => o.SweepAge = TimeSpan.FromHours(1)));
        Assert.IsType<TransactionalOutboxEmitter>(host.Services.GetRequiredService<IFlowRunEmitter>());
        Assert.IsType<EfFlowRunHistory>(host.Services.GetRequiredService<IFlowRunHistory>());

        var runId = await host.Client.StartAsync("outbox-pipeline", 1);
        var run = await host.Client.WaitForCompletionAsync(runId, Timeout);

        Assert.Equal(RunStatus.Completed, run.Status);
        AssertEachNodeRanOnce();
        // The last messages' rows are deleted in the background, just after they left.
        var (_, history) = await WaitForEmptyOutboxAsync(host);
        Assert.Equal(4, history);
    }

    [Fact]
    public async Task A_failure_after_the_rows_were_written_and_before_the_commit_sends_nothing_and_the_retry_completes_the_run()
    {
        var failed = 0;
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(Pipeline()).ConfigureOutbox(o => o.FaultHook = context =>
        {
            // The second transaction with outbox rows (a's completion: dispatching b and c) fails once, before its commit.
            if (context.Point == OutboxPoint.BeforeCommit && context.Messages.Count > 0 && Interlocked.Increment(ref failed) == 2)
            {
                throw new InvalidOperationException("injected before commit");
            }

            return Task.CompletedTask;
        }));

        var runId = await host.Client.StartAsync("outbox-pipeline", 1);
        var run = await host.Client.WaitForCompletionAsync(runId, Timeout);

        // No ghost command: b and c were dispatched once, by the retry, not by the rolled-back attempt.
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.True(failed >= 3);
        AssertEachNodeRanOnce();
        Assert.Equal(4, run.History.Count);
    }

    [Fact]
    public async Task A_delivery_abandoned_after_the_commit_is_made_up_by_the_sweeper()
    {
        var abandoned = 0;
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(Pipeline()).ConfigureOutbox(o =>
        {
            o.SweepAge = TimeSpan.FromMilliseconds(300);
            o.SweepInterval = TimeSpan.FromMilliseconds(100);
            o.FaultHook = context =>
            {
                // As if the process died between the commit and the send of b's and c's commands.
                if (context.Point == OutboxPoint.AfterCommitBeforeDelivery && context.Messages.Count > 0 && Interlocked.Increment(ref abandoned) == 2)
                {
                    throw new InvalidOperationException("injected after commit");
                }

                return Task.CompletedTask;
            };
        }));

        var runId = await host.Client.StartAsync("outbox-pipeline", 1);
        var run = await host.Client.WaitForCompletionAsync(runId, Timeout);

        Assert.Equal(RunStatus.Completed, run.Status);
        AssertEachNodeRanOnce();
        await WaitForEmptyOutboxAsync(host);
    }

    [Fact]
    public async Task With_the_transactional_outbox_off_runs_complete_through_the_in_memory_outbox()
    {
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(Pipeline()).ConfigureOrchestrator(o => o.UseTransactionalOutbox = false));
        Assert.IsType<ConsumeContextEmitter>(host.Services.GetRequiredService<IFlowRunEmitter>());
        Assert.Empty(host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<OutboxDeliveryService>());

        var runId = await host.Client.StartAsync("outbox-pipeline", 1);
        var run = await host.Client.WaitForCompletionAsync(runId, Timeout);

        Assert.Equal(RunStatus.Completed, run.Status);
        AssertEachNodeRanOnce();
        Assert.Equal((0, 4), await CountRowsAsync(host));
    }

    [Fact]
    public void Bad_outbox_settings_fail_AddResolute_with_the_setting_named()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<ResoluteConfigurationException>(() => services.AddResolute(r => r.AddFlow(Pipeline()).ConfigureOutbox(o => o.SweepInterval = TimeSpan.Zero)));

        Assert.Equal("Resolute:Outbox:SweepInterval", error.Key);
    }

    public void Dispose() => SqliteFiles.Delete(_database);

    private static async Task<(int Outbox, int History)> WaitForEmptyOutboxAsync(EmbeddedHost host)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var counts = await CountRowsAsync(host);
            if (counts.Outbox == 0)
            {
                return counts;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{counts.Outbox} outbox rows still there after {Timeout.TotalSeconds:0} s");
            await Task.Delay(20);
        }
    }

    private static async Task<(int Outbox, int History)> CountRowsAsync(EmbeddedHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
        return (await db.OutboxMessages.CountAsync(), await db.NodeExecutions.CountAsync());
    }

    private void AssertEachNodeRanOnce() =>
        Assert.Equal([("a", 1), ("b", 1), ("c", 1), ("d", 1)], _executions.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)));

    private Flow Pipeline() => Flow.Create("outbox-pipeline").TriggeredBy(Trigger.Manual())
        .Then(Counted("a"))
        .ThenParallel("fan-out", Counted("b"), Counted("c"))
        .Then(Counted("d"))
        .Build();

    private Node<int, int> Counted(string name) => Node.Create<int, int>(name, (value, _) =>
    {
        _executions.AddOrUpdate(name, 1, (_, n) => n + 1);
        return Task.FromResult(value);
    });
}
