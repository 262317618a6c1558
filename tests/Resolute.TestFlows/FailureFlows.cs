namespace Resolute.TestFlows;

/// <summary>Flows of the failure-semantics scenarios (retries, timeouts, compensation, cancellation).</summary>
public static class FailureFlows
{
    /// <summary>Every failure flow; registered by <see cref="TestFlowCatalog"/>.</summary>
    public static IReadOnlyList<Flow> All { get; } = [];
}
