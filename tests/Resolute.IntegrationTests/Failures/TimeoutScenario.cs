using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;
using static Resolute.IntegrationTests.Failures.FailureProbes;

namespace Resolute.IntegrationTests.Failures;

/// <summary>
/// A node running past its <c>WithTimeout</c> has its token fired by the worker, fails with <c>Resolute.NodeTimeout</c>
/// after about its timeout, and is retried (the orchestrator's deadline, 30 s past the timeout here, plays no part).
/// </summary>
[Trait("Area", "Failures")]
[Collection(SharedFailuresCluster.Name)]
public sealed class TimeoutScenario(FailuresCluster cluster, ITestOutputHelper output)
    : EngineScenario<FailuresCluster>(cluster, output)
{
    [Fact]
    public async Task Node_past_its_timeout_has_its_token_fired_fails_with_NodeTimeout_and_is_retried()
    {
        var script = Script("T1", ("slow", new NodeScript(HangAttempts: 1)));

        var run = await Cluster.RunAsync(FailureFlows.NodeTimeout.Name, script);

        Output.WriteLine(Timeline(run));

        run.AssertStatus(RunStatus.Completed);
        Assert.Equal(new Created("slow", "ok-T1", 2), run.State.Get<Created>("slow"));
        var attempts = run.Attempts("slow");
        Assert.Equal([(1, NodeExecutionOutcome.Failed), (2, NodeExecutionOutcome.Completed)], attempts.Select(a => (a.Attempt, a.Outcome)));
        Assert.Equal(ErrorTypes.NodeTimeout, attempts[0].Error?.Type);
        Assert.Contains("did not finish within its timeout of 00:00:01", attempts[0].Error!.Message, StringComparison.Ordinal);
        Assert.Equal("w1", attempts[0].WorkerId);
        AssertBetween(Seconds(attempts[0].StartedAt, attempts[0].EndedAt), 0.9, 1.6, "attempt 1 ran");
        // The node itself saw its token fire (it printed so before rethrowing).
        var fired = Cluster.Probes(run.RunId).Single(p => p.What == "token-fired");
        Assert.Equal(("w1", "slow", 1), (fired.Process, fired.Node, fired.Attempt));
        await Cluster.AssertNoFaultedMessagesAsync();
    }
}
