using Resolute.Client;
using Resolute.Contracts;
using Resolute.Samples.ConditionalParallel;
using Resolute.Samples.EnrichData;
using Resolute.Samples.EnrichIssues;
using Resolute.Samples.FulfillOrder;
using Resolute.Samples.MultiApiCalls;
using Resolute.Samples.ParallelPipeline;
using Resolute.Samples.ProcessTransactions;
using Resolute.Samples.SharedRateLimit;
using Xunit.Abstractions;

namespace Resolute.Samples.Tests;

/// <summary>
/// Every sample, run as the console runs it, ends as it should: completed, or compensated where that is its point. The
/// derived classes say where: embedded (<see cref="EmbeddedSampleTests"/>) or on RabbitMQ and PostgreSQL
/// (<see cref="DistributedSampleTests"/>).
/// </summary>
public abstract class SampleScenarios(ITestOutputHelper log)
{
    /// <summary>The configuration arguments that say where the samples run (none: embedded).</summary>
    protected abstract string[] HostArgs { get; }

    [Fact]
    public async Task Parallel_pipeline_completes_with_the_three_processors_between_fetch_and_aggregate()
    {
        var run = await SingleRunAsync(ParallelPipelineFlow.Name, "--items", "6");

        AssertCompleted(run);
        Assert.Equal(new PipelineReport(6, 210, "a=2/50;b=2/70;c=2/90"), run.State.Get<PipelineReport>("aggregate"));
        var parallel = run.History.Where(e => e.StepName == ParallelPipelineFlow.ParallelStep).ToList();
        Assert.Equal(3, parallel.Count);
        Assert.True(run.History.Single(e => e.NodeName == "aggregate").DispatchedAt >= parallel.Max(e => e.EndedAt!.Value), "aggregate was dispatched before every processor had ended");
    }

    [Fact]
    public async Task Process_transactions_is_scheduled_hourly_and_completes_a_run_started_by_hand()
    {
        var (outcome, output) = await RunAsync(ProcessTransactionsFlow.Name);

        Assert.True(outcome.Verdict.AsExpected, output);
        var run = Assert.Single(outcome.Runs);
        AssertCompleted(run);
        Assert.Equal(new TransactionsReport(60, 75, 90, -105), run.State.Get<TransactionsReport>("report"));

        // The cron trigger is real: the orchestrator registered it, and lists its next ticks on the hour, an hour apart.
        var schedule = Assert.Single(outcome.Schedules);
        Assert.Equal(ProcessTransactionsFlow.Cron, Assert.Single(schedule.Triggers).Cron);
        Assert.False(schedule.Paused);
        Assert.Equal(3, schedule.NextFireTimes.Count);
        Assert.All(schedule.NextFireTimes, t => Assert.Equal((0, 0), (t.UtcDateTime.Minute, t.UtcDateTime.Second)));
        Assert.All(schedule.NextFireTimes.Zip(schedule.NextFireTimes.Skip(1)), p => Assert.Equal(TimeSpan.FromHours(1), p.Second - p.First));
        Assert.Contains("starts one run by hand", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enrich_data_completes_with_the_parallel_outputs_under_their_As_keys()
    {
        var run = await SingleRunAsync(EnrichDataFlow.Name, "--records", "3");

        AssertCompleted(run);
        Assert.Equal(["aggregate", "github", "jira", "records", "slack"], run.State.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["rec-1:5:2:pr/rec-1", "rec-2:5:4:pr/rec-2", "rec-3:5:6:pr/rec-3"], run.State.Get<EnrichedRecords>("aggregate").Lines);
    }

    [Fact]
    public async Task Fulfill_order_completes_without_compensation()
    {
        var run = await SingleRunAsync(FulfillOrderFlow.Name);

        AssertCompleted(run);
        Assert.Equal("ord-A17 invoiced inv-A17 for 3000 cents, 2 parcel(s) in shp-A17", run.State.Get<CustomerNotification>("notify-customer").Message);
        Assert.DoesNotContain(run.History, e => e.IsCompensation);
    }

    [Fact]
    public async Task Fulfill_order_with_a_failing_shipment_fails_and_compensates_in_reverse_completion_order()
    {
        var (outcome, output) = await RunAsync(FulfillOrderFlow.Name, "--fail-shipment");

        Assert.True(outcome.Verdict.AsExpected, output);
        var run = Assert.Single(outcome.Runs);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("create-shipment", run.Error!.NodeName);
        Assert.Equal(FulfillOrderFlow.ShipmentFailure, run.Error.Error.Message);

        // The shipment failed last (its latency is the longest), so order and invoice had completed: both are undone,
        // the later one first; the shipment, which never completed, is not.
        var completed = run.History.Where(e => !e.IsCompensation && e.Outcome == NodeExecutionOutcome.Completed).OrderBy(e => e.EndedAt).Select(e => e.NodeName).ToList();
        Assert.Equal(["create-invoice", "create-order"], completed.Order(StringComparer.Ordinal));
        var compensations = run.History.Where(e => e.IsCompensation).OrderBy(e => e.StartedAt).ToList();
        Assert.Equal(
            completed.AsEnumerable().Reverse().Select(n => n == "create-order" ? "cancel-order" : "void-invoice"),
            compensations.Select(e => e.NodeName));
        Assert.All(compensations, e => Assert.Equal(NodeExecutionOutcome.Completed, e.Outcome));
        Assert.True(compensations[1].StartedAt >= compensations[0].EndedAt, "the compensations ran one at a time");
        Assert.Empty(run.Snapshot.CompensationErrors);
        Assert.Contains("compensations, in the order they ran:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enrich_issues_completes_with_every_issue_enriched_from_all_three_sources()
    {
        var run = await SingleRunAsync(EnrichIssuesFlow.Name, "--issues", "3");

        AssertCompleted(run);
        Assert.Equal(new StoreOutput(3, "issues-warehouse", "RES-1=1,RES-2=2,RES-3=3"), run.State.Get<StoreOutput>("store-enriched"));
        Assert.Equal(EnrichIssuesFlow.NodeNames.Order(StringComparer.Ordinal), run.History.Select(e => e.NodeName).Order(StringComparer.Ordinal));
        Assert.Equal(3, run.History.Count(e => e.StepName == "enrich-sources"));
    }

    [Fact]
    public async Task Conditional_parallel_takes_the_rush_branch_for_rush_and_the_standard_branch_otherwise()
    {
        var (outcome, output) = await RunAsync(ConditionalParallelFlow.Name);

        Assert.True(outcome.Verdict.AsExpected, output);
        Assert.Equal(2, outcome.Runs.Count);
        var rush = outcome.Runs[0];
        var standard = outcome.Runs[1];
        AssertCompleted(rush);
        AssertCompleted(standard);

        Assert.Equal("R1 completed via rush: expedited:R1, warehouse-notified:R1, cs-alerted:R1", rush.State.Get<OrderCompletion>("complete-order").Summary);
        Assert.Equal(ConditionalParallelFlow.RushNodes.Order(StringComparer.Ordinal), rush.History.Where(e => e.StepName == "rush-processing").Select(e => e.NodeName).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(rush.History, e => e.NodeName == ConditionalParallelFlow.StandardNode);

        Assert.Equal("S1 completed via standard: standard:S1", standard.State.Get<OrderCompletion>("complete-order").Summary);
        Assert.Single(standard.History, e => e.NodeName == ConditionalParallelFlow.StandardNode);
        Assert.DoesNotContain(standard.History, e => ConditionalParallelFlow.RushNodes.Contains(e.NodeName));
    }

    [Fact]
    public async Task Multi_api_calls_completes_with_the_flaky_node_succeeding_on_a_later_attempt()
    {
        var run = await SingleRunAsync(MultiApiCallsFlow.Name, "--flaky-failures", "1");

        AssertCompleted(run);
        var flaky = run.History.Where(e => e.NodeName == "flaky-api").OrderBy(e => e.Attempt).ToList();
        Assert.Equal([NodeExecutionOutcome.Failed, NodeExecutionOutcome.Completed], flaky.Select(e => e.Outcome));
        Assert.Equal(MultiApiCallsFlow.FlakyMessage(1), flaky[0].Error!.Message);
        Assert.Equal(new ApiAnswer("flaky", "flaky:q", 2), run.State.Get<ApiAnswer>("flaky-api"));

        // Retried after its own policy's first interval (1 s); the other two nodes ran once.
        Assert.True(flaky[1].DispatchedAt - flaky[0].EndedAt!.Value >= TimeSpan.FromSeconds(0.9), "the retry came before the policy's 1 s interval");
        Assert.Single(run.History, e => e.NodeName == "fast-api");
        Assert.Single(run.History, e => e.NodeName == "slow-api");
    }

    [Fact]
    public async Task Shared_rate_limit_spaces_the_starts_of_the_three_nodes_as_configured()
    {
        // 300 a minute: one start every 200 ms, although the three nodes are dispatched together.
        var run = await SingleRunAsync(SharedRateLimitFlow.Name, "--per-minute", "300");

        AssertCompleted(run);
        var starts = SharedRateLimitSample.Starts(run).Select(s => s.At).ToList();
        Assert.Equal(3, starts.Count);
        var spacing = SharedRateLimitFlow.Spacing(300);
        Assert.True(SharedRateLimitSample.IsSpaced(starts, spacing), $"starts at +{string.Join(", +", starts.Select(s => (s - starts[0]).TotalMilliseconds))} ms; slots are {spacing.TotalMilliseconds} ms apart");

        // Without the limiter the three would start within a few milliseconds: the last is at least one spacing after the first.
        Assert.True(starts[2] - starts[0] >= spacing, $"the third start came {(starts[2] - starts[0]).TotalMilliseconds} ms after the first");
    }

    private async Task<(SampleOutcome Outcome, string Output)> RunAsync(string sample, params string[] options)
    {
        var (outcome, output) = await SampleRuns.RunAsync(sample, options, HostArgs);
        log.WriteLine(output);
        return (outcome, output);
    }

    private async Task<FlowRunDescription> SingleRunAsync(string sample, params string[] options)
    {
        var (outcome, output) = await RunAsync(sample, options);
        Assert.True(outcome.Verdict.AsExpected, output);
        return Assert.Single(outcome.Runs);
    }

    private static void AssertCompleted(FlowRunDescription run) =>
        Assert.True(run.Status == RunStatus.Completed && run.Error is null, $"{run}: {run.Error}");
}

/// <summary>Every sample on the embedded default: in-memory transport and a SQLite file, in this process.</summary>
[Trait("Area", "Samples")]
public sealed class EmbeddedSampleTests(ITestOutputHelper log) : SampleScenarios(log)
{
    protected override string[] HostArgs => [];
}
