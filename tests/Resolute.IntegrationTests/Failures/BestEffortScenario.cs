using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;
using static Resolute.IntegrationTests.Failures.FailureProbes;

namespace Resolute.IntegrationTests.Failures;

/// <summary>
/// The seed's "partial success acceptable" across processes: best-effort siblings that fail after their retries do not
/// fail the step; the aggregating node reads what is there; their errors are in the run's history.
/// </summary>
[Trait("Area", "Failures")]
[Collection(SharedFailuresCluster.Name)]
public sealed class BestEffortScenario(FailuresCluster cluster, ITestOutputHelper output)
    : EngineScenario<FailuresCluster>(cluster, output)
{
    [Fact]
    public async Task A_best_effort_sibling_failing_after_its_retries_leaves_the_run_to_complete_with_what_the_others_found()
    {
        var script = Script("E1", ("enrich-b", new NodeScript(FailAttempts: 99)));

        var run = await Cluster.RunAsync(FailureFlows.BestEffort.Name, script);

        Output.WriteLine(Timeline(run));
        run.AssertStatus(RunStatus.Completed);
        Assert.Null(run.Error);
        Assert.Equal(["a-E1", "c-E1"], run.State.Get<Aggregated>("aggregate").References);
        Assert.False(run.State.Has("enrich-b"));
        var attempts = run.Attempts("enrich-b");
        Assert.Equal([1, 2, 3], attempts.Select(a => a.Attempt));
        Assert.All(attempts, a => Assert.Equal(NodeExecutionOutcome.Failed, a.Outcome));
        Assert.All(attempts, a => AssertThrown(a.Error, typeof(ScriptedTransientException).FullName!, script.FailureMessage("enrich-b", a.Attempt)));
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task When_every_best_effort_sibling_fails_the_aggregator_still_runs_and_finds_nothing()
    {
        var script = Script("E2",
            ("enrich-a", new NodeScript(FailAttempts: 99, Failure: NodeScript.Permanent)),
            ("enrich-b", new NodeScript(FailAttempts: 99, Failure: NodeScript.Permanent)),
            ("enrich-c", new NodeScript(FailAttempts: 99, Failure: NodeScript.Permanent)));

        var run = await Cluster.RunAsync(FailureFlows.BestEffort.Name, script);

        Output.WriteLine(Timeline(run));
        run.AssertStatus(RunStatus.Completed);
        Assert.Empty(run.State.Get<Aggregated>("aggregate").References);
        foreach (var node in new[] { "enrich-a", "enrich-b", "enrich-c" })
        {
            // Non-retryable: one attempt each, recorded as failed; nothing stored under the key.
            var attempt = Assert.Single(run.Attempts(node));
            Assert.Equal(NodeExecutionOutcome.Failed, attempt.Outcome);
            Assert.False(run.State.Has(node));
        }

        Assert.Equal(NodeExecutionOutcome.Completed, Assert.Single(run.Attempts("aggregate")).Outcome);
        await Cluster.AssertNoFaultedMessagesAsync();
    }
}
