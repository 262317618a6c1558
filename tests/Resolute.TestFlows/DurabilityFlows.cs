namespace Resolute.TestFlows;

/// <summary>Flows of the durability scenarios (crashes and restarts of every part).</summary>
public static class DurabilityFlows
{
    /// <summary>Every durability flow; registered by <see cref="TestFlowCatalog"/>.</summary>
    public static IReadOnlyList<Flow> All { get; } = [];
}
