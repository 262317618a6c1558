using Resolute.Samples.EnrichIssues;

namespace Resolute.Operations.Tests;

/// <summary>
/// The sample flow as the service registers it (<c>AddFlow(flow, EnrichIssuesFlow.TaskQueue)</c>): the task queues its
/// nodes run on come from its definition, so that infrastructure naming another queue fails a test.
/// </summary>
internal static class SampleFlow
{
    private static readonly RegisteredFlow Registered = new(EnrichIssuesFlow.Build(), EnrichIssuesFlow.TaskQueue);

    /// <summary>Every task queue of the flow's nodes.</summary>
    public static IReadOnlyList<string> Queues { get; } = Registered.Queues.Order(StringComparer.Ordinal).ToList();

    /// <summary>The names of the nodes that run on <paramref name="queue"/>.</summary>
    public static IReadOnlyList<string> NodesOn(string queue) =>
        Registered.Flow.Nodes.Where(n => Registered.QueueOf(n) == queue).Select(n => n.Name).ToList();
}
