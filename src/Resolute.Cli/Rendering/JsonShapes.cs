using Resolute.Client;
using Resolute.Contracts;

namespace Resolute.Cli.Rendering;

// The documents of --output json (docs/cli.md, "JSON output"). Their own types, not the wire contracts, so that the
// property names scripts rely on do not move when a contract does.

/// <summary>A run: <c>status</c>, <c>history</c>, <c>start --wait</c>.</summary>
internal sealed record RunJson(
    Guid RunId,
    string FlowName,
    string FlowVersion,
    RunStatus Status,
    string? CurrentStep,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? EndedAt,
    double? DurationMs,
    RunErrorJson? Error,
    IReadOnlyList<RunErrorJson> CompensationErrors,
    string? TraceId,
    IReadOnlyList<AttemptJson> Attempts)
{
    public static RunJson From(FlowRunSnapshot run) => new(
        run.RunId,
        run.FlowName,
        run.FlowVersion,
        run.Status,
        run.CurrentStep,
        run.CreatedAt,
        run.UpdatedAt,
        run.EndedAt,
        run.EndedAt is { } ended ? (ended - run.CreatedAt).TotalMilliseconds : null,
        run.Error is null ? null : RunErrorJson.From(run.Error),
        [.. run.CompensationErrors.Select(RunErrorJson.From)],
        run.TraceId,
        [.. run.History.Select(a => AttemptJson.From(a, run.CreatedAt))]);
}

/// <summary>Why a run (or a compensation) failed.</summary>
internal sealed record RunErrorJson(string? Step, string? Node, int Attempt, string Type, string Message, DateTimeOffset OccurredAt)
{
    public static RunErrorJson From(RunError error) =>
        new(error.StepName, error.NodeName, error.Attempt, error.Error.Type, error.Error.Message, error.OccurredAt);
}

/// <summary>One attempt of one node; <c>offsetMs</c> is when it was dispatched, counted from the run's creation.</summary>
internal sealed record AttemptJson(
    Guid ExecutionId,
    string Step,
    string Node,
    int Attempt,
    bool IsCompensation,
    NodeExecutionOutcome Outcome,
    DateTimeOffset DispatchedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    double OffsetMs,
    double? DurationMs,
    string? WorkerId,
    string? ErrorType,
    string? ErrorMessage)
{
    public static AttemptJson From(NodeExecutionRecord attempt, DateTimeOffset runStart) => new(
        attempt.ExecutionId,
        attempt.StepName,
        attempt.NodeName,
        attempt.Attempt,
        attempt.IsCompensation,
        attempt.Outcome,
        attempt.DispatchedAt,
        attempt.StartedAt,
        attempt.EndedAt,
        Math.Max(0, (attempt.DispatchedAt - runStart).TotalMilliseconds),
        attempt.EndedAt is { } ended ? (ended - (attempt.StartedAt ?? attempt.DispatchedAt)).TotalMilliseconds : null,
        attempt.WorkerId,
        attempt.Error?.Type,
        attempt.Error?.Message);
}

/// <summary>What <c>start</c> did: the run id, and with <c>--wait</c> the ended run.</summary>
internal sealed record StartJson(Guid RunId, string FlowName, string? IdempotencyKey, RunJson? Run);

/// <summary>What <c>cancel</c> did.</summary>
internal sealed record CancelJson(Guid RunId, Guid RequestId, CancelFlowRunOutcome Outcome, RunStatus? Status, string Message);

/// <summary>One flow's schedule: <c>schedules</c>.</summary>
internal sealed record ScheduleJson(string FlowName, bool Paused, bool HasBufferedTick, IReadOnlyList<ScheduleTriggerJson> Triggers, IReadOnlyList<DateTimeOffset> NextFireTimes)
{
    public static ScheduleJson From(FlowScheduleStatus schedule) => new(
        schedule.FlowName,
        schedule.Paused,
        schedule.HasBufferedTick,
        [.. schedule.Triggers.Select(t => new ScheduleTriggerJson(t.Cron, t.QuartzCron, t.TimeZone, t.Overlap, t.Misfire))],
        schedule.NextFireTimes);
}

/// <summary>One cron trigger of a schedule.</summary>
internal sealed record ScheduleTriggerJson(string Cron, string QuartzCron, string TimeZone, string Overlap, string Misfire);

/// <summary>One page of <c>runs</c>.</summary>
internal sealed record RunListJson(IReadOnlyList<RunSummaryJson> Runs, string? NextPageToken);

/// <summary>One run in <c>runs</c>.</summary>
internal sealed record RunSummaryJson(
    Guid RunId,
    string FlowName,
    string FlowVersion,
    RunStatus Status,
    string? CurrentStep,
    string? ErrorSummary,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? EndedAt)
{
    public static RunSummaryJson From(FlowRunSummary run) =>
        new(run.RunId, run.FlowName, run.FlowVersion, run.Status, run.CurrentStep, run.ErrorSummary, run.CreatedAt, run.UpdatedAt, run.EndedAt);
}

/// <summary>One flow in <c>flows</c>.</summary>
internal sealed record FlowJson(string Name, string Version, IReadOnlyList<string> Triggers, string TaskQueue, IReadOnlyList<string> PreviousVersions, string Plan, IReadOnlyList<FlowStepJson> Steps)
{
    public static FlowJson From(FlowDescription flow) =>
        new(flow.Name, flow.Version, flow.Triggers, flow.TaskQueue, flow.PreviousVersions, flow.Plan, [.. flow.Steps.Select(FlowStepJson.From)]);
}

/// <summary>One step of a flow's plan; <c>kind</c> is node, parallel or when.</summary>
internal sealed record FlowStepJson(string Name, string Kind, IReadOnlyList<FlowNodeJson> Nodes, IReadOnlyList<FlowStepJson> Then, IReadOnlyList<FlowStepJson> Else)
{
    public static FlowStepJson From(FlowStepDescription step) =>
        new(step.Name, step.Kind, [.. step.Nodes.Select(FlowNodeJson.From)], [.. step.Then.Select(From)], [.. step.Else.Select(From)]);
}

/// <summary>One node of a step.</summary>
internal sealed record FlowNodeJson(string Name, string OutputKey, string TaskQueue, double TimeoutMs, int MaximumAttempts, string? RateLimit, string? Compensation, bool ContinueOnError)
{
    public static FlowNodeJson From(FlowNodeDescription node) =>
        new(node.Name, node.OutputKey, node.TaskQueue, node.Timeout.TotalMilliseconds, node.MaximumAttempts, node.RateLimit, node.Compensation, node.ContinueOnError);
}

/// <summary>One line of <c>watch --output json</c>: one event of the run (the first is a Snapshot, with <c>run</c> set when the run exists).</summary>
internal sealed record WatchEventJson(
    FlowRunEventKind Kind,
    Guid RunId,
    string FlowName,
    DateTimeOffset At,
    string? Step,
    string? Node,
    int Attempt,
    bool IsCompensation,
    string? ForNode,
    Guid? ExecutionId,
    RunStatus? Status,
    string? ErrorType,
    string? ErrorMessage,
    bool WillRetry,
    DateTimeOffset? NextAttemptAt,
    RunJson? Run)
{
    public static WatchEventJson From(FlowRunEvent e) => new(
        e.Kind, e.RunId, e.FlowName, e.At, e.StepName, e.NodeName, e.Attempt, e.IsCompensation, e.ForNode, e.ExecutionId, e.Status,
        e.Error?.Type, e.Error?.Message, e.WillRetry, e.NextAttemptAt, e.Snapshot is null ? null : RunJson.From(e.Snapshot.Snapshot));
}
