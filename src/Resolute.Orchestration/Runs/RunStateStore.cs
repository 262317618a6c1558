using System.Text.Json;
using System.Text.Json.Serialization;
using Resolute.Contracts;
using Resolute.Serialization;

namespace Resolute.Orchestration.Runs;

/// <summary>
/// The one place that reads a <see cref="RunState"/> from a <see cref="FlowRun"/> row and writes it back. The row keeps
/// the queryable columns; <see cref="FlowRun.StateJson"/> the <see cref="FlowState"/>; <see cref="FlowRun.ProgressJson"/>
/// the open attempts, completion order, compensation queue and errors.
/// </summary>
public static class RunStateStore
{
    /// <summary>The run state of <paramref name="row"/>.</summary>
    /// <exception cref="FormatException">The row's JSON is not a run state document.</exception>
    public static RunState Load(FlowRun row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var progress = ReadProgress(row.ProgressJson);
        return new RunState
        {
            RunId = row.CorrelationId,
            FlowName = row.FlowName,
            FlowVersion = row.FlowVersion,
            Status = row.Status,
            Cursor = row.Cursor,
            CurrentStep = row.CurrentStep,
            Data = string.IsNullOrWhiteSpace(row.StateJson) ? new FlowState() : FlowState.FromJson(row.StateJson),
            Open = progress.Open ?? [],
            Completions = progress.Completions ?? [],
            StepFailed = progress.StepFailed,
            CompensationQueue = progress.CompensationQueue ?? [],
            Error = progress.Error,
            CompensationErrors = progress.CompensationErrors ?? [],
            CancelReason = progress.CancelReason,
            CancelRequests = progress.CancelRequests ?? [],
            RefusedStarts = progress.RefusedStarts ?? [],
            InputFingerprint = progress.InputFingerprint,
            ExecutionCount = progress.ExecutionCount,
            EndedAt = row.EndedAt,
            Trace = progress.Trace,
        };
    }

    /// <summary>
    /// Writes <paramref name="state"/> into <paramref name="row"/>. <paramref name="stateJson"/> is the serialised
    /// <see cref="RunState.Data"/> when it changed, or null to keep the row's (the state is serialised at most once a message).
    /// </summary>
    public static void Store(RunState state, FlowRun row, string? stateJson, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(row);
        row.CorrelationId = state.RunId;
        row.FlowName = state.FlowName;
        row.FlowVersion = state.FlowVersion;
        row.Cursor = state.Cursor;
        row.CurrentStep = state.CurrentStep;
        if (stateJson is not null)
        {
            row.StateJson = stateJson;
        }

        row.ProgressJson = WriteProgress(state);
        row.ErrorSummary = Truncate(state.Error?.ToString(), 2000);
        row.UpdatedAt = now;
        row.EndedAt = state.EndedAt;
        row.NextWakeAt = state.NextWakeAt;
    }

    /// <summary>
    /// What a status query needs from a row, read in one pass: the open attempts (shown beside the history rows), the
    /// run's error and those of failed compensations, its trace id. The <see cref="FlowState"/> is not parsed.
    /// </summary>
    public static RunQueryView ReadForQuery(FlowRun row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var progress = ReadProgress(row.ProgressJson);
        return new RunQueryView(
            progress.Open ?? [],
            progress.Error,
            progress.CompensationErrors ?? [],
            progress.Trace?.TraceId,
            progress.CancelRequests ?? [],
            progress.RefusedStarts ?? []);
    }

    /// <summary>What a status query reads from a run row besides its columns.</summary>
    /// <param name="Open">The open attempts.</param>
    /// <param name="Error">The run's error.</param>
    /// <param name="CompensationErrors">Errors of failed compensations.</param>
    /// <param name="TraceId">The run's trace id.</param>
    /// <param name="CancelRequests">Cancellation requests the run recorded.</param>
    /// <param name="RefusedStarts">Start requests for this run id that started nothing.</param>
    public sealed record RunQueryView(
        IReadOnlyList<NodeExecution> Open,
        RunError? Error,
        IReadOnlyList<RunError> CompensationErrors,
        string? TraceId,
        IReadOnlyList<CancelRequestRecord> CancelRequests,
        IReadOnlyList<RefusedStartRecord> RefusedStarts);

    private static ProgressDocument ReadProgress(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new ProgressDocument();
        }

        ProgressDocument? progress;
        try
        {
            progress = JsonSerializer.Deserialize<ProgressDocument>(json, ResoluteJson.Options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The run's progress JSON does not read as a run state: {e.Message}", e);
        }

        if (progress?.Executions is not null)
        {
            // Written before attempts became history rows: its cursor and attempts mean something else. Refuse loudly
            // (the message faults to the error queue) rather than guess and dispatch a step twice.
            throw new FormatException(
                "The run's progress was written by an older Resolute (every attempt inside the run row, before resolute_node_executions). "
                + "Let runs of the old version end before upgrading the orchestrator, or cancel them with the old version.");
        }

        return progress ?? new ProgressDocument();
    }

    private static string WriteProgress(RunState state) => JsonSerializer.Serialize(
        new ProgressDocument
        {
            Open = state.Open.Count == 0 ? null : state.Open,
            Completions = state.Completions.Count == 0 ? null : state.Completions,
            StepFailed = state.StepFailed,
            CompensationQueue = state.CompensationQueue.Count == 0 ? null : state.CompensationQueue,
            Error = state.Error,
            CompensationErrors = state.CompensationErrors.Count == 0 ? null : state.CompensationErrors,
            CancelReason = state.CancelReason,
            CancelRequests = state.CancelRequests.Count == 0 ? null : state.CancelRequests,
            RefusedStarts = state.RefusedStarts.Count == 0 ? null : state.RefusedStarts,
            InputFingerprint = state.InputFingerprint,
            ExecutionCount = state.ExecutionCount,
            Trace = state.Trace,
        },
        ResoluteJson.Options);

    private static string? Truncate(string? text, int max) => text is null || text.Length <= max ? text : text[..max];

    // The stored shape of progress_json; empty lists are left out to keep the row small.
    private sealed class ProgressDocument
    {
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public List<NodeExecution>? Open { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public List<CompletedNode>? Completions { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public bool StepFailed { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public List<PendingCompensation>? CompensationQueue { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public RunError? Error { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public List<RunError>? CompensationErrors { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? CancelReason { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public List<CancelRequestRecord>? CancelRequests { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public List<RefusedStartRecord>? RefusedStarts { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? InputFingerprint { get; set; }

        public int ExecutionCount { get; set; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public RunTrace? Trace { get; set; }

        // Only read, to recognise the format of older versions.
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public JsonElement? Executions { get; set; }
    }
}
