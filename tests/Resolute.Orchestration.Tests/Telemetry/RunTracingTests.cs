using System.Diagnostics;
using Resolute.Contracts;
using Resolute.Diagnostics;
using Resolute.Orchestration.Runs;
using Resolute.Orchestration.Telemetry;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Telemetry;

/// <summary>
/// The run's spans as the rules hand them over: one trace for the run, a step span per step that its node commands point
/// at, a compensation span per compensation, a wait span per retry back-off and rate-limit wait, the run span at the end
/// — all from ids stored with the run, so they survive a reload of the row (another replica, a restart).
/// </summary>
[Trait("Area", "Observability")]
public sealed class RunTracingTests
{
    private static readonly string TraceId = ActivityTraceId.CreateRandom().ToHexString();
    private static readonly string PublishSpanId = ActivitySpanId.CreateRandom().ToHexString();

    private static RunTrace NewTrace() => new()
    {
        TraceId = TraceId,
        RunSpanId = ActivitySpanId.CreateRandom().ToHexString(),
        ParentSpanId = PublishSpanId,
        Sampled = true,
    };

    private static RunSimulator Traced(Flow flow)
    {
        var sim = RunSimulator.For(flow);
        sim.Trace = NewTrace();
        return sim;
    }

    [Fact]
    public void Node_commands_carry_their_step_span_and_the_run_ends_with_step_spans_under_the_run_span_under_the_publish()
    {
        var flow = Stubs.ManualFlow("traced")
            .Then(Stubs.Node("fetch"))
            .ThenParallel("enrich", Stubs.Node("jira"), Stubs.Node("slack"))
            .Build();
        var sim = Traced(flow);
        var runSpanId = sim.Trace!.RunSpanId;

        sim.Start(new Text("in"));
        var fetch = sim.PendingCommand("fetch");
        sim.Complete("fetch", new Text("issues"));
        var jira = sim.PendingCommand("jira");
        var slack = sim.PendingCommand("slack");
        sim.Complete("jira", new Text("j"));
        sim.Time.Advance(TimeSpan.FromSeconds(2));
        sim.Complete("slack", new Text("s"));

        Assert.Equal(RunStatus.Completed, sim.Status);
        var fetchStep = Assert.Single(sim.Spans, s => s.Name == "step fetch");
        var enrichStep = Assert.Single(sim.Spans, s => s.Name == "step enrich");
        var run = Assert.Single(sim.Spans, s => s.Name == "run traced");
        Assert.All(sim.Spans, s => Assert.Equal(TraceId, s.TraceId));
        Assert.Equal(runSpanId, run.SpanId);
        Assert.Equal(PublishSpanId, run.ParentSpanId);
        Assert.Equal(runSpanId, fetchStep.ParentSpanId);
        Assert.Equal(runSpanId, enrichStep.ParentSpanId);
        Assert.Null(run.Error);

        Assert.Equal($"00-{TraceId}-{fetchStep.SpanId}-01", fetch.TraceParent);
        Assert.Equal($"00-{TraceId}-{enrichStep.SpanId}-01", jira.TraceParent);
        Assert.Equal(jira.TraceParent, slack.TraceParent);
        Assert.Equal(TimeSpan.FromSeconds(2), enrichStep.EndedAt - enrichStep.StartedAt);
        Assert.Equal(sim.Run.CreatedAt, run.StartedAt);
        Assert.Contains(new KeyValuePair<string, object?>(ResoluteAttributes.Outcome, "Completed"), enrichStep.Tags);
        Assert.Contains(new KeyValuePair<string, object?>(ResoluteAttributes.RunId, sim.RunId.ToString()), run.Tags);
    }

    [Fact]
    public void The_trace_is_stored_with_the_run_so_a_reloaded_row_keeps_dispatching_under_the_same_step_span()
    {
        var sim = Traced(Stubs.ManualFlow().ThenParallel("pair", Stubs.Node("a"), Stubs.Node("b")).Build());
        sim.Start(new Text("in"));

        var stored = RunStateStore.Load(sim.Run).Trace;

        Assert.NotNull(stored);
        Assert.Equal(TraceId, stored.TraceId);
        Assert.Equal("pair", stored.Step!.Name);
        Assert.Equal($"00-{TraceId}-{stored.Step.SpanId}-01", sim.PendingCommand("b").TraceParent);
    }

    [Fact]
    public void A_retry_back_off_is_a_named_wait_span_under_the_step_and_the_retry_joins_the_same_step()
    {
        var sim = Traced(Stubs.ManualFlow().Then(Stubs.Node("a").WithRetry(Stubs.Retry(3, initialSeconds: 5))).Build());
        sim.Start(new Text("in"));
        var first = sim.PendingCommand("a");

        sim.Fail("a");
        sim.WakeWhenDue();
        var retry = sim.PendingCommand("a");

        var wait = Assert.Single(sim.Spans, s => s.Name == "retry wait a");
        var stepSpanId = first.TraceParent!.Split('-')[2];
        Assert.Equal(stepSpanId, wait.ParentSpanId);
        Assert.Equal(first.TraceParent, retry.TraceParent);
        Assert.Equal(TimeSpan.FromSeconds(5), wait.EndedAt - wait.StartedAt);
        Assert.Contains(new KeyValuePair<string, object?>(ResoluteAttributes.WaitKind, "retry"), wait.Tags);
        Assert.Contains(new KeyValuePair<string, object?>(ResoluteAttributes.Attempt, 2), wait.Tags);
    }

    [Fact]
    public void A_rate_limit_wait_is_a_named_wait_span_and_a_metric()
    {
        var ledger = new InMemoryRateLimitLedger();
        var time = new ManualTimeProvider();
        var flow = Stubs.ManualFlow().Then(Stubs.Node("a").WithRateLimit(1, TimeSpan.FromSeconds(10))).Build();
        var registry = new FlowRegistry();
        registry.Add(flow);
        var first = new RunSimulator(registry, ledger: ledger, time: time, runId: Guid.NewGuid()) { Trace = NewTrace() };
        var second = new RunSimulator(registry, ledger: ledger, time: time, runId: Guid.NewGuid()) { Trace = NewTrace() };

        first.Start(new Text("1"));
        second.Start(new Text("2"));
        Assert.Empty(second.PendingNodes);
        var decision = second.WakeWhenDue();

        var wait = Assert.Single(second.Spans, s => s.Name == "rate limit wait a");
        Assert.Equal(TimeSpan.FromSeconds(10), wait.EndedAt - wait.StartedAt);
        Assert.Contains(new KeyValuePair<string, object?>(ResoluteAttributes.WaitKind, "rate_limit"), wait.Tags);
        var metric = Assert.Single(decision.RateLimitWaits);
        Assert.Equal(("a", TimeSpan.FromSeconds(10)), (metric.NodeName, metric.Wait));
        Assert.DoesNotContain(first.Spans, s => s.Name.StartsWith("rate limit wait", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failing_step_ends_its_span_as_an_error_then_each_compensation_has_a_span_the_compensation_command_points_at()
    {
        var flow = Stubs.ManualFlow("orders")
            .Then(Stubs.Node("create-order").OnError(Stubs.Node("cancel-order")))
            .Then(Stubs.Node("charge"))
            .Build();
        var sim = Traced(flow);
        sim.Start(new Text("o"));
        sim.Complete("create-order", new Text("O-1"));

        sim.Fail("charge", "Payments.Declined", retryable: false, message: "card declined");
        var cancel = sim.PendingCommand("cancel-order");
        sim.Complete("cancel-order", new Text("cancelled"));

        Assert.Equal(RunStatus.Failed, sim.Status);
        var chargeStep = Assert.Single(sim.Spans, s => s.Name == "step charge");
        Assert.Equal(new RunSpanError("Payments.Declined", "card declined"), chargeStep.Error);
        var compensation = Assert.Single(sim.Spans, s => s.Name == "compensate cancel-order");
        Assert.Null(compensation.Error);
        Assert.Equal(sim.Trace!.RunSpanId, compensation.ParentSpanId);
        Assert.Equal($"00-{TraceId}-{compensation.SpanId}-01", cancel.TraceParent);
        Assert.True(cancel.IsCompensation);
        var run = Assert.Single(sim.Spans, s => s.Name == "run orders");
        Assert.Equal("Payments.Declined", run.Error!.Type);
        Assert.Contains(new KeyValuePair<string, object?>(ResoluteAttributes.RunStatus, "Failed"), run.Tags);
    }

    [Fact]
    public void An_unsampled_trace_is_passed_on_unsampled()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a")).Build());
        sim.Trace = NewTrace();
        sim.Trace.Sampled = false;

        sim.Start(new Text("in"));

        Assert.EndsWith("-00", sim.PendingCommand("a").TraceParent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_that_is_not_traced_hands_over_no_spans_and_its_commands_carry_no_trace()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("a").WithRetry(Stubs.Retry(2))).Build());

        sim.Start(new Text("in"));
        Assert.Null(sim.PendingCommand("a").TraceParent);
        sim.Fail("a");
        sim.WakeWhenDue();
        sim.Complete("a", new Text("out"));

        Assert.Equal(RunStatus.Completed, sim.Status);
        Assert.Empty(sim.Spans);
        Assert.Null(sim.Progress.Trace);
    }
}
