// TEMPORARY: the client API the lead is adding on main (issue 13), declared here only so this branch compiles until
// main is merged. Deleted by the merge commit; never merged as is.
#pragma warning disable
using Resolute.Contracts;

namespace Resolute.Client
{
    public sealed class FlowRunQuery { public string? FlowName { get; set; } public IReadOnlyList<RunStatus>? Statuses { get; set; } public DateTimeOffset? Since { get; set; } public DateTimeOffset? Until { get; set; } public int Limit { get; set; } = 50; public string? PageToken { get; set; } }
    public sealed record FlowRunPage(IReadOnlyList<FlowRunSummary> Runs, string? NextPageToken);
    public enum FlowRunEventKind { Snapshot, RunStarted, NodeDispatched, NodeStarted, NodeCompleted, NodeFailed, RetryScheduled, CompensationStarted, CompensationCompleted, CompensationFailed, RunCompleted, RunFailed, RunCancelled }
    public sealed record FlowRunEvent
    {
        public FlowRunEventKind Kind { get; init; } public Guid RunId { get; init; } public string FlowName { get; init; } = ""; public DateTimeOffset At { get; init; } public FlowRunDescription? Snapshot { get; init; }
        public string? StepName { get; init; } public string? NodeName { get; init; } public int Attempt { get; init; } public bool IsCompensation { get; init; } public string? ForNode { get; init; } public Guid? ExecutionId { get; init; }
        public RunStatus? Status { get; init; } public ErrorInfo? Error { get; init; } public bool WillRetry { get; init; } public DateTimeOffset? NextAttemptAt { get; init; } public object? Message { get; init; }
    }
    public static class PendingFlowClientExtensions
    {
        public static Task<FlowRunPage> ListRunsAsync(this IFlowClient client, FlowRunQuery? query = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();
        public static Task<IReadOnlyList<FlowDescription>> GetFlowsAsync(this IFlowClient client, CancellationToken cancellationToken = default) => throw new NotImplementedException();
        public static IAsyncEnumerable<FlowRunEvent> WatchAsync(this IFlowClient client, Guid runId, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    }
}

namespace Resolute.Contracts
{
    public sealed record FlowRunSummary { public Guid RunId { get; init; } public string FlowName { get; init; } = ""; public string FlowVersion { get; init; } = ""; public RunStatus Status { get; init; } public string? CurrentStep { get; init; } public string? ErrorSummary { get; init; } public DateTimeOffset CreatedAt { get; init; } public DateTimeOffset UpdatedAt { get; init; } public DateTimeOffset? EndedAt { get; init; } }
    public sealed record FlowDescription { public string Name { get; init; } = ""; public string Version { get; init; } = ""; public IReadOnlyList<string> Triggers { get; init; } = []; public string TaskQueue { get; init; } = ""; public IReadOnlyList<string> PreviousVersions { get; init; } = []; public string Plan { get; init; } = ""; public IReadOnlyList<FlowStepDescription> Steps { get; init; } = []; }
    public sealed record FlowStepDescription { public string Name { get; init; } = ""; public string Kind { get; init; } = ""; public IReadOnlyList<FlowNodeDescription> Nodes { get; init; } = []; public IReadOnlyList<FlowStepDescription> Then { get; init; } = []; public IReadOnlyList<FlowStepDescription> Else { get; init; } = []; }
    public sealed record FlowNodeDescription { public string Name { get; init; } = ""; public string OutputKey { get; init; } = ""; public string TaskQueue { get; init; } = ""; public TimeSpan? Timeout { get; init; } public int MaxAttempts { get; init; } public string? RateLimit { get; init; } public string? Compensation { get; init; } public bool ContinueOnError { get; init; } }
}
