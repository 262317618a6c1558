using Resolute.Contracts;

namespace Resolute.Client;

/// <summary>Which runs <see cref="IFlowClient.ListRunsAsync"/> returns: filters and the page. Every filter is optional.</summary>
public sealed class FlowRunQuery
{
    /// <summary>Only runs of this flow.</summary>
    public string? FlowName { get; init; }

    /// <summary>Only runs in one of these statuses.</summary>
    public IReadOnlyList<RunStatus>? Statuses { get; init; }

    /// <summary>Only runs created at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only runs created before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>The page size, 1 to 1,000. Default 50.</summary>
    public int Limit { get; init; } = 50;

    /// <summary>The <see cref="FlowRunPage.NextPageToken"/> of the previous page; null for the first.</summary>
    public string? PageToken { get; init; }

    /// <summary>The wire request the orchestrator's query consumer (or a reader of the database) answers.</summary>
    public ListFlowRuns ToRequest() => new()
    {
        FlowName = FlowName,
        Statuses = Statuses,
        CreatedFrom = Since,
        CreatedBefore = Until,
        Limit = Limit,
        ContinuationToken = PageToken,
    };
}

/// <summary>One page of runs, newest first.</summary>
/// <param name="Runs">The runs.</param>
/// <param name="NextPageToken">Pass it as <see cref="FlowRunQuery.PageToken"/> for the next page; null when this is the last.</param>
public sealed record FlowRunPage(IReadOnlyList<FlowRunSummary> Runs, string? NextPageToken);
