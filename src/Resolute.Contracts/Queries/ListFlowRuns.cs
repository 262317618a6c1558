namespace Resolute.Contracts;

/// <summary>
/// Request: a page of runs, newest first, optionally of one flow, in some statuses, created within a time window.
/// Answered with <see cref="FlowRunList"/>. Backed by indexes on the run table, so a page costs the same however many
/// runs are stored.
/// </summary>
public sealed record ListFlowRuns
{
    /// <summary>The largest page the orchestrator returns.</summary>
    public const int MaximumLimit = 1000;

    /// <summary>Only runs of this flow; null for every flow.</summary>
    public string? FlowName { get; init; }

    /// <summary>Only runs in one of these statuses; null or empty for every status.</summary>
    public IReadOnlyList<RunStatus>? Statuses { get; init; }

    /// <summary>Only runs created at or after this time.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Only runs created before this time.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>The page size, 1 to <see cref="MaximumLimit"/>. Default 50.</summary>
    public int Limit { get; init; } = 50;

    /// <summary>The <see cref="FlowRunList.ContinuationToken"/> of the previous page; null for the first page.</summary>
    public string? ContinuationToken { get; init; }
}

/// <summary>Response: one page of runs, newest first.</summary>
public sealed record FlowRunList
{
    /// <summary>The runs of this page.</summary>
    public IReadOnlyList<FlowRunSummary> Runs { get; init; } = [];

    /// <summary>Pass it as <see cref="ListFlowRuns.ContinuationToken"/> for the next page; null when this page is the last.</summary>
    public string? ContinuationToken { get; init; }
}

/// <summary>Response: the request was not valid (a limit out of range, a token that is not one of ours).</summary>
public sealed record ListFlowRunsRejected
{
    /// <summary>What is wrong and how to fix it.</summary>
    public required string Reason { get; init; }
}

/// <summary>One run in a <see cref="FlowRunList"/>: what a listing shows, without state or history.</summary>
public sealed record FlowRunSummary
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The flow.</summary>
    public required string FlowName { get; init; }

    /// <summary>The flow version the run follows; empty when the flow was unknown.</summary>
    public string FlowVersion { get; init; } = string.Empty;

    /// <summary>The status.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>The step running now (or the last one).</summary>
    public string? CurrentStep { get; init; }

    /// <summary>A one-line summary of the run's error, if it failed.</summary>
    public string? ErrorSummary { get; init; }

    /// <summary>When the run was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When it ended, if it has.</summary>
    public DateTimeOffset? EndedAt { get; init; }
}
