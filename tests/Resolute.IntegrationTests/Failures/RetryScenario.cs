using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;
using static Resolute.IntegrationTests.Failures.FailureProbes;

namespace Resolute.IntegrationTests.Failures;

/// <summary>
/// Retries across processes: back-off waits follow the policy (measured from a failed attempt's end to the next
/// attempt's start), attempts stop at <c>MaximumAttempts</c>, non-retryable errors get one attempt, and a retry timer
/// survives the orchestrator being killed during the wait.
/// </summary>
[Trait("Area", "Failures")]
[Collection(SharedFailuresCluster.Name)]
public sealed class RetryScenario(FailuresCluster cluster, ITestOutputHelper output)
    : EngineScenario<FailuresCluster>(cluster, output)
{
    [Fact]
    public async Task Node_failing_twice_completes_on_attempt_3_after_back_off_waits_of_1_s_and_2_s()
    {
        var script = Script("B1", ("flaky", new NodeScript(FailAttempts: 2)));

        var run = await Cluster.RunAsync(FailureFlows.Backoff.Name, script);

        Output.WriteLine(Timeline(run));

        run.AssertStatus(RunStatus.Completed);
        Assert.Null(run.Error);
        Assert.Equal(new Created("flaky", "ok-B1", 3), run.State.Get<Created>("flaky"));
        var attempts = run.Attempts("flaky");
        Assert.Equal([(1, NodeExecutionOutcome.Failed), (2, NodeExecutionOutcome.Failed), (3, NodeExecutionOutcome.Completed)], attempts.Select(a => (a.Attempt, a.Outcome)));
        AssertThrown(attempts[0].Error, typeof(ScriptedTransientException).FullName!, script.FailureMessage("flaky", 1));
        AssertThrown(attempts[1].Error, typeof(ScriptedTransientException).FullName!, script.FailureMessage("flaky", 2));
        Assert.Null(attempts[2].Error);
        Assert.All(attempts, a => Assert.Equal("w1", a.WorkerId));
        // InitialInterval 1 s, coefficient 2: waits of 1 s and 2 s, ±20 %.
        AssertBetween(Seconds(attempts[0].EndedAt, attempts[1].StartedAt), 0.8, 1.2, "wait before attempt 2");
        AssertBetween(Seconds(attempts[1].EndedAt, attempts[2].StartedAt), 1.6, 2.4, "wait before attempt 3");
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task Always_failing_node_gets_exactly_MaximumAttempts_attempts_and_the_run_fails_with_the_last_error()
    {
        var script = Script("B2", ("flaky", new NodeScript(FailAttempts: 99)));

        var run = await Cluster.RunAsync(FailureFlows.QuickRetries.Name, script);

        Output.WriteLine(Timeline(run));

        run.AssertStatus(RunStatus.Failed);
        AssertThrown(run.Error, "retry-quick", "flaky", "flaky", 4, typeof(ScriptedTransientException).FullName!, script.FailureMessage("flaky", 4));
        var attempts = run.Attempts("flaky");
        Assert.Equal([1, 2, 3, 4], attempts.Select(a => a.Attempt));
        Assert.All(attempts, a => Assert.Equal(NodeExecutionOutcome.Failed, a.Outcome));
        Assert.All(attempts, a => AssertThrown(a.Error, typeof(ScriptedTransientException).FullName!, script.FailureMessage("flaky", a.Attempt)));
        Assert.Equal(4, Cluster.Probes(run.RunId).Count(p => p.What == "started"));
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task Error_type_listed_in_NonRetryableErrors_gets_one_attempt()
    {
        var script = Script("B3", ("flaky", new NodeScript(FailAttempts: 99, Failure: NodeScript.Permanent)));

        var run = await Cluster.RunAsync(FailureFlows.QuickRetries.Name, script);

        Output.WriteLine(Timeline(run));

        run.AssertStatus(RunStatus.Failed);
        AssertThrown(run.Error, "retry-quick", "flaky", "flaky", 1, typeof(ScriptedPermanentException).FullName!, script.FailureMessage("flaky", 1));
        var only = run.Once("flaky", NodeExecutionOutcome.Failed);
        AssertThrown(only.Error, typeof(ScriptedPermanentException).FullName!, script.FailureMessage("flaky", 1));
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task NonRetryableException_gets_one_attempt()
    {
        var script = Script("B4", ("flaky", new NodeScript(FailAttempts: 99, Failure: NodeScript.NonRetryable)));

        var run = await Cluster.RunAsync(FailureFlows.QuickRetries.Name, script);

        Output.WriteLine(Timeline(run));

        run.AssertStatus(RunStatus.Failed);
        AssertThrown(run.Error, "retry-quick", "flaky", "flaky", 1, "Resolute.NonRetryableException", script.FailureMessage("flaky", 1));
        run.Once("flaky", NodeExecutionOutcome.Failed);
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task Retry_scheduled_before_the_orchestrator_is_killed_still_runs_8_s_after_the_failure()
    {
        var script = Script("B5", ("flaky", new NodeScript(FailAttempts: 1)));
        var runId = await Cluster.Client.StartAsync(FailureFlows.LongBackoff.Name, script);
        var scheduled = await Cluster.WaitUntilAsync(
            runId, r => r.History.Any(e => e.NodeName == "flaky" && e.Attempt == 2 && e.Outcome == NodeExecutionOutcome.RetryScheduled), "the retry being scheduled");
        var failedAt = scheduled.Attempts("flaky")[0].EndedAt!.Value;

        await Cluster.RestartOrchestratorAsync();
        var restartedAt = DateTimeOffset.UtcNow;
        Output.WriteLine($"orchestrator replaced {(restartedAt - failedAt).TotalSeconds:0.00} s after the failure");

        var run = await Cluster.WaitForEndAsync(runId, TimeSpan.FromSeconds(30));
        Output.WriteLine(Timeline(run));
        Assert.True(restartedAt < failedAt.AddSeconds(7), "the new orchestrator was not ready before the retry was due: the scenario proves nothing");

        run.AssertStatus(RunStatus.Completed);
        Assert.Equal(new Created("flaky", "ok-B5", 2), run.State.Get<Created>("flaky"));
        var attempts = run.Attempts("flaky");
        Assert.Equal([(1, NodeExecutionOutcome.Failed), (2, NodeExecutionOutcome.Completed)], attempts.Select(a => (a.Attempt, a.Outcome)));
        AssertThrown(attempts[0].Error, typeof(ScriptedTransientException).FullName!, script.FailureMessage("flaky", 1));
        AssertBetween(Seconds(attempts[0].EndedAt, attempts[1].StartedAt), 6.4, 9.6, "wait before attempt 2 (8 s) across the restart");
        Assert.Equal(2, Cluster.Probes(runId).Count(p => p.What == "started"));
        await Cluster.AssertNoFaultedMessagesAsync();
    }
}
