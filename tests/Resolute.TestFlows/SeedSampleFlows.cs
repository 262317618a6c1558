using Resolute.Samples;
using Resolute.Samples.ConditionalParallel;
using Resolute.Samples.EnrichData;
using Resolute.Samples.EnrichIssues;
using Resolute.Samples.FulfillOrder;
using Resolute.Samples.MultiApiCalls;
using Resolute.Samples.ParallelPipeline;
using Resolute.Samples.ProcessTransactions;

namespace Resolute.TestFlows;

/// <summary>
/// The seed page's examples as the engine tests register them: the samples' own definitions (src/Samples), built once
/// with the knobs the scenarios rely on. Only the simulated latencies differ from the samples console, and every node
/// runs on the tests' default queue.
/// </summary>
public static class SeedSampleFlows
{
    /// <summary><c>parallel-pipeline</c>, nodes answering at once (the many-runs scenario starts dozens of runs).</summary>
    public static Flow ParallelPipeline { get; } = ParallelPipelineFlow.Build(SimulatedWork.Instant);

    /// <summary><c>process-transactions</c>, nodes answering at once.</summary>
    public static Flow ProcessTransactions { get; } = ProcessTransactionsFlow.Build(SimulatedWork.Instant);

    /// <summary><c>enrich-data</c>, nodes answering at once.</summary>
    public static Flow EnrichData { get; } = EnrichDataFlow.Build(SimulatedWork.Instant);

    /// <summary><c>fulfill-order</c>, nodes answering at once (its run input's <c>FailShipment</c> makes it compensate).</summary>
    public static Flow FulfillOrder { get; } = FulfillOrderFlow.Build(SimulatedWork.Instant);

    /// <summary>
    /// <c>enrich-issues</c> at a quarter of the sample's latencies: enrich-jira takes 300 ms, enough for its parallel
    /// step's nodes to overlap visibly in traces and for the metrics scenario's duration bound; every node on the
    /// tests' queue (no second queue).
    /// </summary>
    public static Flow EnrichIssues { get; } = EnrichIssuesFlow.Build(new SimulatedWork(0.25), issuesQueue: null);

    /// <summary><c>conditional-parallel</c>, nodes answering at once.</summary>
    public static Flow ConditionalParallel { get; } = ConditionalParallelFlow.Build(SimulatedWork.Instant);

    /// <summary><c>multi-api-calls</c> at 5 % of the sample's latencies: slow-api takes 100 ms.</summary>
    public static Flow MultiApiCalls { get; } = MultiApiCallsFlow.Build(new SimulatedWork(0.05));

    /// <summary>Every flow of this class.</summary>
    public static IReadOnlyList<Flow> All { get; } = [ParallelPipeline, ProcessTransactions, EnrichData, FulfillOrder, EnrichIssues, ConditionalParallel, MultiApiCalls];
}
