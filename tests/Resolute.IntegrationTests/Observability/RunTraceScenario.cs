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
/// One run is one trace, across an orchestrator process and two worker processes, exported over real OTLP/HTTP: a run
/// span under the start's publish, a step span per step under it, a node span per attempt (on the worker that ran it)
/// under its step, the parallel step's nodes overlapping in time; a failing node's span an error with the exception;
/// retry waits and compensations as spans of their own; and a run that outlives its orchestrator still in one trace.
/// </summary>
[Trait("Area", "Observability")]
public sealed class RunTraceScenario(ObservedCluster cluster, ITestOutputHelper output)
    : EngineScenario<ObservedCluster>(cluster, output), IClassFixture<ObservedCluster>
{
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromSeconds(30);
    private static readonly string[] WorkerIds = ["w1", "w2"];

    private OtlpReceiver Receiver => Cluster.Receiver;

    [Fact]
    public async Task A_run_of_enrich_issues_is_one_trace_with_node_spans_under_step_spans_under_the_run_span()
    {
        var run = await Cluster.RunAsync(EnrichIssuesFlow.Name, new FetchInput("OBS", 3));
        run.AssertStatus(RunStatus.Completed);

        var runSpan = await RunSpanAsync(run.RunId, "run enrich-issues");
        var trace = await Receiver.WaitForAsync(
            r => r.Trace(runSpan.TraceId) is var spans && spans.Count(s => s.Name.StartsWith("node ", StringComparison.Ordinal)) >= 6 ? spans : null,
            "the six node spans of the run", ExportTimeout);
        Describe(trace);

        // Every span about this run, from every process, is in the run's trace — the one its status query names.
        AssertAllOfRunInTrace(run.RunId, runSpan.TraceId);
        Assert.Equal(runSpan.TraceId, run.TraceId);
        Assert.False(runSpan.IsError);
        Assert.Equal("Completed", runSpan.Attribute(ResoluteAttributes.RunStatus));
        Assert.NotEqual("", runSpan.ParentSpanId);
        Assert.Equal(ObservedCluster.ServiceOf("orchestrator"), runSpan.Service);

        string[] stepNames = ["fetch-issues", "enrich-sources", "merge-data", "store-enriched"];
        var steps = stepNames.ToDictionary(name => name, name => Assert.Single(trace, s => s.Name == $"step {name}"));
        Assert.All(steps.Values, step => Assert.Equal(runSpan.SpanId, step.ParentSpanId));
        Assert.All(steps.Values, step => Assert.InRange(step.Start, runSpan.Start, runSpan.End));
        Assert.True(steps["fetch-issues"].End <= steps["enrich-sources"].Start.AddMilliseconds(1), "step fetch-issues ends before enrich-sources begins");

        var nodes = trace.Where(s => s.Name.StartsWith("node ", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, nodes.Count);
        foreach (var node in nodes)
        {
            var step = steps[node.Attribute(ResoluteAttributes.Step)];
            Assert.Equal(step.SpanId, node.ParentSpanId);
            Assert.Equal("1", node.Attribute(ResoluteAttributes.Attempt));
            Assert.Equal("Completed", node.Attribute(ResoluteAttributes.Outcome));
            Assert.Equal(TestFlowCatalog.DefaultTaskQueue, node.Attribute(ResoluteAttributes.TaskQueue));
            Assert.Equal(SeedSampleFlows.EnrichIssues.Version, node.Attribute(ResoluteAttributes.FlowVersion));
            Assert.Contains(node.Attribute(ResoluteAttributes.WorkerId), WorkerIds);
            Assert.InRange(node.Start, step.Start, step.End);
        }

        // The parallel step's three nodes ran at the same time, on both workers.
        var parallel = nodes.Where(n => n.Attribute(ResoluteAttributes.Step) == "enrich-sources").ToList();
        Assert.Equal(3, parallel.Count);
        foreach (var a in parallel)
        {
            foreach (var b in parallel.Where(b => b != a))
            {
                Assert.True(a.Start < b.End && b.Start < a.End, $"{a} and {b} overlap in time");
            }
        }

        Assert.Equal(new[] { ObservedCluster.ServiceOf("w1"), ObservedCluster.ServiceOf("w2") }, parallel.Select(n => n.Service).Distinct().Order());

        // MassTransit's own spans of the node commands joined the run's trace on the workers too.
        Assert.Contains(trace, s => s.Scope == ResoluteTelemetry.MassTransitName && s.Service == ObservedCluster.ServiceOf("w1"));
        Assert.Empty(Receiver.Problems);
    }

    [Fact]
    public async Task A_failing_node_span_is_an_error_with_its_exception_and_retry_waits_and_compensations_are_spans_of_the_run()
    {
        // create-invoice ends well after create-order even when a worker starts create-order late (one CI run saw a
        // 124 ms skew between the two starts), so the completion order, and with it the compensation order, is known.
        var script = Script("OBS-F",
            ("create-order", new NodeScript(DelayMs: 100)),
            ("create-invoice", new NodeScript(DelayMs: 700)),
            ("create-shipment", new NodeScript(DelayMs: 50, FailAttempts: 99)));
        var run = await Cluster.RunAsync(FailureFlows.FulfillOrder.Name, script);
        run.AssertStatus(RunStatus.Failed);

        var runSpan = await RunSpanAsync(run.RunId, "run failing-fulfill-order");
        var trace = await Receiver.WaitForAsync(
            r => r.Trace(runSpan.TraceId) is var spans && spans.Count(s => s.Name.StartsWith("compensation node ", StringComparison.Ordinal)) >= 2
                 && spans.Count(s => s.Name == "node create-shipment") >= 3 ? spans : null,
            "the failing attempts' and the compensations' spans", ExportTimeout);
        Describe(trace);
        AssertAllOfRunInTrace(run.RunId, runSpan.TraceId);

        Assert.True(runSpan.IsError);
        Assert.Equal("Failed", runSpan.Attribute(ResoluteAttributes.RunStatus));
        var step = Assert.Single(trace, s => s.Name == "step create-all");
        Assert.True(step.IsError);

        var failing = trace.Where(s => s.Name == "node create-shipment").OrderBy(s => s.Start).ToList();
        Assert.Equal(3, failing.Count);
        Assert.All(failing, attempt =>
        {
            Assert.True(attempt.IsError, $"{attempt} is marked as an error");
            Assert.Contains("exception", attempt.Events);
            Assert.Equal("Failed", attempt.Attribute(ResoluteAttributes.Outcome));
            Assert.NotEqual("", attempt.Attribute(ResoluteAttributes.ErrorType));
            Assert.Equal(step.SpanId, attempt.ParentSpanId);
        });
        Assert.Equal(["1", "2", "3"], failing.Select(a => a.Attribute(ResoluteAttributes.Attempt)));

        // The back-off between attempts shows as a named wait, not a gap.
        var waits = trace.Where(s => s.Name == "retry wait create-shipment").OrderBy(s => s.Start).ToList();
        Assert.Equal(2, waits.Count);
        Assert.All(waits, wait => Assert.Equal(step.SpanId, wait.ParentSpanId));
        Assert.True(waits[0].Start >= failing[0].Start && waits[0].End <= failing[1].End, "the first wait lies between the first and second attempts");

        foreach (var (compensation, forNode) in new[] { ("void-invoice", "create-invoice"), ("cancel-order", "create-order") })
        {
            var span = Assert.Single(trace, s => s.Name == $"compensate {compensation}");
            Assert.Equal(runSpan.SpanId, span.ParentSpanId);
            Assert.Equal(forNode, span.Attribute(ResoluteAttributes.CompensatesNode));
            Assert.False(span.IsError);
            var node = Assert.Single(trace, s => s.Name == $"compensation node {compensation}");
            Assert.Equal(span.SpanId, node.ParentSpanId);
        }

        var voidInvoice = Assert.Single(trace, s => s.Name == "compensate void-invoice");
        var cancelOrder = Assert.Single(trace, s => s.Name == "compensate cancel-order");
        Assert.True(voidInvoice.End <= cancelOrder.Start.AddMilliseconds(1), "compensations run one at a time, in reverse completion order");
    }

    [Fact]
    public async Task A_run_that_outlives_its_orchestrator_stays_one_trace()
    {
        var runId = await Cluster.Client.StartAsync(TwoStepFlow.Name, new TwoStepRequest(7, SleepMs: 3000));
        await Cluster.WaitUntilAsync(runId, r => r.CurrentStep == "second", "the second step running");

        // The first step's span is out before the orchestrator that ended it is killed (kill -9 loses what it buffered).
        var firstStep = await Receiver.WaitForAsync(
            r => r.Spans.FirstOrDefault(s => s.Name == "step first" && s.Attribute(ResoluteAttributes.RunId) == runId.ToString()),
            "the first step's span", ExportTimeout);
        await Cluster.RestartOrchestratorAsync();
        var run = await Cluster.WaitForEndAsync(runId);
        run.AssertStatus(RunStatus.Completed);

        var runSpan = await RunSpanAsync(runId, "run two-step");
        var trace = await Receiver.WaitForAsync(
            r => r.Trace(runSpan.TraceId) is var spans && spans.Any(s => s.Name == "node second") && spans.Any(s => s.Name == "step second") ? spans : null,
            "the second step's spans", ExportTimeout);
        Describe(trace);
        AssertAllOfRunInTrace(runId, runSpan.TraceId);

        Assert.Equal(runSpan.TraceId, firstStep.TraceId);
        Assert.Equal(runSpan.SpanId, firstStep.ParentSpanId);
        var secondStep = Assert.Single(trace, s => s.Name == "step second");
        Assert.Equal(runSpan.SpanId, secondStep.ParentSpanId);
        Assert.Equal(secondStep.SpanId, Assert.Single(trace, s => s.Name == "node second").ParentSpanId);
        Assert.Equal(firstStep.SpanId, Assert.Single(trace, s => s.Name == "node first").ParentSpanId);

        // The step that began before the crash ended in the new orchestrator, under the ids stored with the run.
        Assert.NotEqual(firstStep.Instance, runSpan.Instance);
        Assert.Equal(runSpan.Instance, secondStep.Instance);
        Assert.True(secondStep.Start < firstStep.End.AddSeconds(1) && secondStep.End - secondStep.Start >= TimeSpan.FromSeconds(3),
            "the second step span covers the node's 3 s, from before the crash");
    }

    private async Task<ReceivedSpan> RunSpanAsync(Guid runId, string name) => await Receiver.WaitForAsync(
        r => r.Spans.FirstOrDefault(s => s.Name == name && s.Attribute(ResoluteAttributes.RunId) == runId.ToString()),
        $"the span '{name}' of run {runId}", ExportTimeout);

    private void AssertAllOfRunInTrace(Guid runId, string traceId)
    {
        var ofRun = Receiver.Spans.Where(s => s.Attribute(ResoluteAttributes.RunId) == runId.ToString()).ToList();
        Assert.NotEmpty(ofRun);
        Assert.All(ofRun, s => Assert.Equal(traceId, s.TraceId));
    }

    private void Describe(IReadOnlyList<ReceivedSpan> trace)
    {
        foreach (var span in trace.OrderBy(s => s.Start))
        {
            Output.WriteLine($"{span} {(span.IsError ? "ERROR " + span.StatusMessage : "")}");
        }
    }
}
