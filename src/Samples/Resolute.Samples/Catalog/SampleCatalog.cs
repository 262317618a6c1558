namespace Resolute.Samples;

/// <summary>Every sample of the console, in the seed page's order.</summary>
internal static class SampleCatalog
{
    public static IReadOnlyList<ISample> All { get; } =
    [
        new ParallelPipelineSample(),
        new ProcessTransactionsSample(),
        new EnrichDataSample(),
        new FulfillOrderSample(),
        new EnrichIssuesSample(),
        new ConditionalParallelSample(),
        new MultiApiCallsSample(),
        new SharedRateLimitSample(),
    ];

    public static ISample? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
}
