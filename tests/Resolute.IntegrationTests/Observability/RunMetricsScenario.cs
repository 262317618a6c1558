using System.Globalization;
using Resolute.Contracts;
using Resolute.Diagnostics;
using Resolute.IntegrationTests.Failures;
using Resolute.IntegrationTests.Hosting;
using Resolute.Samples.EnrichIssues;
using Resolute.TestFlows;
using Xunit.Abstractions;
using static Resolute.IntegrationTests.Failures.FailureProbes;

namespace Resolute.IntegrationTests.Observability;

/// <summary>
/// The metrics, as the orchestrator and the two workers export them over OTLP/HTTP after three runs of enrich-issues and
/// one run that fails: runs started and ended by flow and status, run durations, node attempts and durations by node and
/// outcome, queue waits by task queue, rate-limit waits, runs in flight and the outbox backlog — with the counts the runs
/// imply (summed over the processes, as a metrics backend does).
/// </summary>
[Trait("Area", "Observability")]
public sealed class RunMetricsScenario(ObservedCluster cluster, ITestOutputHelper output)
    : EngineScenario<ObservedCluster>(cluster, output), IClassFixture<ObservedCluster>
{
    private const string Enrich = EnrichIssuesFlow.Name;
    private static readonly string Failing = FailureFlows.FulfillOrder.Name;

    [Fact]
    public async Task Runs_nodes_queue_waits_rate_limit_waits_and_gauges_are_exported_with_the_expected_counts()
    {
        var runs = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => Cluster.RunAsync(Enrich, new FetchInput($"M{i}", 2))));
        Assert.All(runs, r => r.AssertStatus(RunStatus.Completed));
        var failed = await Cluster.RunAsync(Failing, Script("M-F", ("create-shipment", new NodeScript(FailAttempts: 1, Failure: NodeScript.NonRetryable))));
        failed.AssertStatus(RunStatus.Failed);
        var commands = runs.Append(failed).Sum(r => r.History.Count);

        var expected = new List<(string What, Func<IReadOnlyList<ReceivedPoint>, double> Actual, double Wanted)>
        {
            ("runs started (enrich-issues)", p => Total(p, "resolute.runs.started", (ResoluteAttributes.Flow, Enrich)), 3),
            ("runs ended Completed (enrich-issues)", p => Total(p, "resolute.runs.ended", (ResoluteAttributes.Flow, Enrich), (ResoluteAttributes.RunStatus, "Completed")), 3),
            ("runs started (failing)", p => Total(p, "resolute.runs.started", (ResoluteAttributes.Flow, Failing)), 1),
            ("runs ended Failed (failing)", p => Total(p, "resolute.runs.ended", (ResoluteAttributes.Flow, Failing), (ResoluteAttributes.RunStatus, "Failed")), 1),
            ("run durations recorded (enrich-issues)", p => Total(p, "resolute.run.duration", (ResoluteAttributes.Flow, Enrich), (ResoluteAttributes.RunStatus, "Completed")), 3),
            ("failed attempts of create-shipment", p => Total(p, "resolute.node.attempts", (ResoluteAttributes.Node, "create-shipment"), (ResoluteAttributes.Outcome, "Failed")), 1),
            ("queue waits recorded on the default queue (one per command)", p => Total(p, "resolute.node.queue_wait", (ResoluteAttributes.TaskQueue, TestFlowCatalog.DefaultTaskQueue)), commands),
            ("rate-limit waits of enrich-jira", p => Total(p, "resolute.rate_limit.wait", (ResoluteAttributes.Flow, Enrich), (ResoluteAttributes.Node, "enrich-jira")), 3),
            ("rate-limit waits of enrich-prs", p => Total(p, "resolute.rate_limit.wait", (ResoluteAttributes.Flow, Enrich), (ResoluteAttributes.Node, "enrich-prs")), 3),
            ("runs in flight (enrich-issues), now", p => Latest(p, "resolute.runs.in_flight", (ResoluteAttributes.Flow, Enrich)), 0),
            ("outbox backlog, now", p => Latest(p, "resolute.outbox.backlog"), 0),
        };
        foreach (var node in SeedSampleFlows.EnrichIssues.Nodes.Select(n => n.Name))
        {
            expected.Add(($"completed attempts of {node}", p => Total(p, "resolute.node.attempts", (ResoluteAttributes.Flow, Enrich), (ResoluteAttributes.Node, node), (ResoluteAttributes.Outcome, "Completed")), 3));
            expected.Add(($"durations of {node}", p => Total(p, "resolute.node.duration", (ResoluteAttributes.Flow, Enrich), (ResoluteAttributes.Node, node), (ResoluteAttributes.Outcome, "Completed")), 3));
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        List<string> wrong;
        while (true)
        {
            var latest = Cluster.Receiver.Points;
            wrong = expected.Select(e => (e.What, Actual: e.Actual(latest), e.Wanted))
                .Where(e => e.Actual != e.Wanted)
                .Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.What}: {e.Actual} (expected {e.Wanted})"))
                .ToList();
            if (wrong.Count == 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.True(wrong.Count == 0, "Metrics not as the runs imply:" + Environment.NewLine + string.Join(Environment.NewLine, wrong));

        var points = Cluster.Receiver.Points;
        var enrichDurations = points.Where(p => p.Metric == "resolute.node.duration" && p.Attribute(ResoluteAttributes.Node) == "enrich-jira").Sum(p => p.Sum);
        Assert.True(enrichDurations >= 3 * 0.3, $"enrich-jira's durations add up to at least 3 × its 300 ms latency (got {enrichDurations:0.000} s)");
        Assert.Contains(points, p => p.Metric == "resolute.outbox.age");
        Assert.Contains(points, p => p.Metric.StartsWith("messaging.masstransit.", StringComparison.Ordinal));
        Assert.Equal(
            new[] { ObservedCluster.ServiceOf("w1"), ObservedCluster.ServiceOf("w2") },
            points.Where(p => p.Metric == "resolute.node.attempts").Select(p => p.Service).Distinct().Order());
    }

    /// <summary>The sum over every process's latest point of <paramref name="metric"/> with these attributes (a histogram's count).</summary>
    private static double Total(IReadOnlyList<ReceivedPoint> points, string metric, params (string Key, string Value)[] attributes) =>
        points.Where(p => p.Metric == metric && attributes.All(a => p.Attribute(a.Key) == a.Value)).Sum(p => p.Value);

    /// <summary>A gauge's latest value over the processes that report it (every orchestrator reports the same cluster-wide figure); -1 when none does.</summary>
    private static double Latest(IReadOnlyList<ReceivedPoint> points, string metric, params (string Key, string Value)[] attributes) =>
        points.Where(p => p.Metric == metric && attributes.All(a => p.Attribute(a.Key) == a.Value)).Select(p => p.Value).DefaultIfEmpty(-1).Max();
}
