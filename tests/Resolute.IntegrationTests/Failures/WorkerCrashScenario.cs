using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;
using static Resolute.IntegrationTests.Failures.FailureProbes;

namespace Resolute.IntegrationTests.Failures;

/// <summary>
/// A worker killed (SIGKILL) in the middle of a node never replies, and no worker consumes the node's queue after it.
/// The attempt started on time, so no worker said it started late: the orchestrator cannot tell it from a command still
/// queued, and waits past the deadline — the node's timeout plus <c>--deadline-grace 2</c> — for the queue-wait limit
/// (<c>--queue-wait-limit 3</c>) too; then it counts the attempt failed with <c>Resolute.DeadlineExceeded</c> and the
/// retry runs on another worker. That worker also receives the first attempt's command, redelivered by the broker
/// after the kill, and drops it unrun: its start-by time has passed.
/// </summary>
[Trait("Area", "Failures")]
public sealed class WorkerCrashScenario(DeadlineCluster cluster, ITestOutputHelper output)
    : EngineScenario<DeadlineCluster>(cluster, output), IClassFixture<DeadlineCluster>
{
    [Fact]
    public async Task Worker_killed_mid_node_is_detected_by_the_deadline_and_the_node_is_retried_on_another_worker()
    {
        var script = Script("T2", ("crash-prone", new NodeScript(HangAttempts: 1)));
        var runId = await Cluster.Client.StartAsync(FailureFlows.WorkerCrash.Name, script);
        await Cluster.WaitForProbeAsync(runId, p => p is { Node: "crash-prone", Attempt: 1, What: "started", Process: "victim" }, "crash-prone #1 starting on victim");

        Cluster.KillWorker("victim");
        // No worker consumes the crash queue now: only the orchestrator's deadline (10 s timeout + 2 s grace + 3 s queue wait) can end attempt 1.
        var detected = await Cluster.WaitUntilAsync(
            runId, r => r.History.Any(e => e.NodeName == "crash-prone" && e.Attempt == 1 && e.Outcome == NodeExecutionOutcome.Failed), "the deadline of attempt 1", TimeSpan.FromSeconds(25));
        var first = detected.Attempts("crash-prone")[0];
        Assert.Equal(ErrorTypes.DeadlineExceeded, first.Error?.Type);
        Assert.Contains("No reply for node 'crash-prone' attempt 1", first.Error!.Message, StringComparison.Ordinal);
        Assert.Null(first.WorkerId);
        Assert.Contains("no worker said it started it", first.Error.Message, StringComparison.Ordinal);
        AssertBetween(Seconds(first.DispatchedAt, first.EndedAt), 15.0, 17.0, "dispatch to deadline");

        // Only now a worker consumes the crash queue again: it also receives attempt 1's command, redelivered by the
        // broker after the kill, which it must drop unrun (the orchestrator already sent attempt 2).
        await Cluster.StartWorkerAsync(new WorkerSpec("rescuer", [FailureFlows.CrashQueue]));
        var run = await Cluster.WaitForEndAsync(runId, TimeSpan.FromSeconds(30));
        Output.WriteLine(Timeline(run));

        run.AssertStatus(RunStatus.Completed);
        Assert.Equal(new Created("crash-prone", "ok-T2", 2), run.State.Get<Created>("crash-prone"));
        var attempts = run.Attempts("crash-prone");
        Assert.Equal([(1, NodeExecutionOutcome.Failed), (2, NodeExecutionOutcome.Completed)], attempts.Select(a => (a.Attempt, a.Outcome)));
        Assert.Equal("rescuer", attempts[1].WorkerId);
        Assert.DoesNotContain(Cluster.Probes(runId), p => p is { Attempt: 1, Process: "rescuer" });
        await Cluster.AssertNoFaultedMessagesAsync();
    }
}
