using System.Globalization;
using Resolute.Client;
using Resolute.Contracts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Resolute.Cli.Rendering;

/// <summary>
/// <c>watch</c>'s model of a run, fed one event at a time: a row per attempt (events of different nodes may arrive
/// out of order, so a row only moves forward), the run's status, and its progress.
/// </summary>
internal sealed class LiveRunView
{
    private readonly Dictionary<string, AttemptRow> _rows = [];
    private readonly List<string> _order = [];
    private readonly int? _plannedNodes;

    /// <param name="runId">The run.</param>
    /// <param name="plannedNodes">How many nodes a run of the flow runs (from its plan), when known: the progress bar's 100%.</param>
    public LiveRunView(Guid runId, int? plannedNodes)
    {
        RunId = runId;
        _plannedNodes = plannedNodes;
    }

    public Guid RunId { get; }

    public string? FlowName { get; private set; }

    public RunStatus? Status { get; private set; }

    public RunError? Error { get; private set; }

    public DateTimeOffset? CreatedAt { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>True once the run's end event (or a snapshot of an ended run) was seen.</summary>
    public bool HasEnded => Status?.HasEnded() == true;

    /// <summary>The state of one attempt as the view knows it.</summary>
    public sealed class AttemptRow
    {
        public required string Step { get; init; }

        public required string Node { get; init; }

        public required int Attempt { get; init; }

        public required bool IsCompensation { get; init; }

        public string State { get; set; } = "dispatched";

        public string Colour { get; set; } = "grey";

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset? EndedAt { get; set; }

        public string? Error { get; set; }
    }

    public IReadOnlyList<AttemptRow> Rows => [.. _order.Select(k => _rows[k])];

    /// <summary>The last event as one line of markup, for output that cannot be redrawn.</summary>
    public string LastChange { get; private set; } = string.Empty;

    /// <summary>Replaces the run's error with a fuller one (the stored run's, which says where it happened).</summary>
    public void UseError(RunError? error) => Error = error ?? Error;

    /// <summary>Folds one event into the view.</summary>
    public void Apply(FlowRunEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        LastChange = Describe(e);
        FlowName ??= string.IsNullOrEmpty(e.FlowName) ? null : e.FlowName;
        switch (e.Kind)
        {
            case FlowRunEventKind.Snapshot when e.Snapshot is { } snapshot:
                Seed(snapshot.Snapshot);
                return;
            case FlowRunEventKind.RunStarted:
                Status = RunStatus.Running;
                CreatedAt ??= e.At;
                return;
            case FlowRunEventKind.RunCompleted:
                End(RunStatus.Completed, e);
                return;
            case FlowRunEventKind.RunFailed:
                End(e.Status ?? RunStatus.Failed, e);
                return;
            case FlowRunEventKind.RunCancelled:
                End(RunStatus.Cancelled, e);
                return;
        }

        if (e.NodeName is null)
        {
            return;
        }

        var row = Row(e);
        switch (e.Kind)
        {
            case FlowRunEventKind.NodeDispatched:
                Mark(row, "dispatched", "grey");
                break;
            case FlowRunEventKind.NodeStarted or FlowRunEventKind.CompensationStarted:
                row.StartedAt ??= e.At;
                Mark(row, "running", "blue");
                if (e.Kind == FlowRunEventKind.CompensationStarted && Status is RunStatus.Running or null)
                {
                    Status = RunStatus.Compensating;
                }

                break;
            case FlowRunEventKind.NodeCompleted or FlowRunEventKind.CompensationCompleted:
                row.EndedAt = e.At;
                Mark(row, e.IsCompensation ? "compensated" : "completed", e.IsCompensation ? "yellow" : "green");
                break;
            case FlowRunEventKind.NodeFailed or FlowRunEventKind.CompensationFailed:
                row.EndedAt = e.At;
                row.Error = e.Error is null ? null : $"{e.Error.Type}: {e.Error.Message}";
                Mark(row, e.WillRetry ? "failed, will retry" : "failed", "red");
                break;
            case FlowRunEventKind.RetryScheduled:
                row.EndedAt ??= e.At;
                Mark(row, e.NextAttemptAt is { } next ? $"retry at {next.UtcDateTime:HH:mm:ss}" : "retry scheduled", "darkorange");
                break;
        }
    }

    private static string Describe(FlowRunEvent e)
    {
        var at = $"[grey]{e.At.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)}[/]";
        if (e.Kind == FlowRunEventKind.Snapshot)
        {
            return e.Snapshot is { } s
                ? $"{at} {Styles.Escape(s.FlowName)} is {Styles.Status(s.Status)}{(s.CurrentStep is null ? "" : $" at step {Styles.Escape(s.CurrentStep)}")}"
                : $"{at} waiting for the run to appear";
        }

        var what = e.NodeName is null ? "" : " " + Styles.Escape(e.StepName is null || e.StepName == e.NodeName ? e.NodeName : $"{e.StepName}/{e.NodeName}");
        var attempt = e.Attempt > 0 ? string.Create(CultureInfo.InvariantCulture, $" attempt {e.Attempt}") : "";
        var extra = e.Kind switch
        {
            FlowRunEventKind.NodeFailed or FlowRunEventKind.CompensationFailed or FlowRunEventKind.RunFailed when e.Error is { } error =>
                $" [red]{Styles.Escape($"{error.Type}: {error.Message}")}[/]{(e.WillRetry ? " (will retry)" : "")}",
            FlowRunEventKind.RetryScheduled when e.NextAttemptAt is { } next => $" at {Styles.Time(next)}",
            FlowRunEventKind.CompensationStarted or FlowRunEventKind.CompensationCompleted or FlowRunEventKind.CompensationFailed when e.ForNode is not null =>
                $" (undoing {Styles.Escape(e.ForNode)})",
            _ => "",
        };
        return $"{at} {e.Kind}{what}{attempt}{extra}";
    }

    /// <summary>The table of attempts and the run's progress bar.</summary>
    public IRenderable Render(DateTimeOffset now)
    {
        var status = Status is { } s ? Styles.Status(s) : "[grey]waiting for the run[/]";
        var header = new Markup($"Run [bold]{RunId}[/]{(FlowName is null ? "" : $" of [bold]{Styles.Escape(FlowName)}[/]")}: {status}" +
                                (CreatedAt is { } created ? $", {Styles.Duration((EndedAt ?? now) - created)}" : ""));
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Step").AddColumn("Node").AddColumn(new TableColumn("Attempt").RightAligned()).AddColumn("State").AddColumn(new TableColumn("Duration").RightAligned());
        foreach (var row in Rows)
        {
            var duration = row.StartedAt is { } started ? Styles.Duration((row.EndedAt ?? (HasEnded ? started : now)) - started) : "";
            table.AddRow(
                Styles.Escape(row.Step),
                (row.IsCompensation ? "↩ " : "") + Styles.Escape(row.Node),
                row.Attempt.ToString(CultureInfo.InvariantCulture) + (row.Attempt > 1 ? " ↻" : ""),
                $"[{row.Colour}]{Styles.Escape(row.State)}[/]",
                duration);
        }

        return new Rows(header, table, new Markup(ProgressBar(40)));
    }

    /// <summary>Nodes done over nodes planned (or seen, when the plan is unknown); full once the run has ended.</summary>
    public (int Done, int Total) Progress()
    {
        var done = _rows.Values.Where(r => !r.IsCompensation && r.State == "completed").Select(r => (r.Step, r.Node)).Distinct().Count();
        var seen = _rows.Values.Where(r => !r.IsCompensation).Select(r => (r.Step, r.Node)).Distinct().Count();
        var total = Math.Max(_plannedNodes ?? seen, Math.Max(seen, 1));
        return (HasEnded ? total : Math.Min(done, total), total);
    }

    private string ProgressBar(int width)
    {
        var (done, total) = Progress();
        var filled = (int)Math.Round((double)done / total * width);
        var colour = Status is { } s && s.HasEnded() ? Styles.Colour(s) : "blue";
        return $"[{colour}]{new string('█', filled)}[/][grey]{new string('░', width - filled)}[/] " + string.Create(CultureInfo.InvariantCulture, $"{done}/{total} nodes {100 * done / total}%");
    }

    private void Seed(FlowRunSnapshot run)
    {
        FlowName = run.FlowName;
        Status = run.Status;
        Error = run.Error;
        CreatedAt = run.CreatedAt;
        EndedAt = run.EndedAt;
        foreach (var attempt in run.History)
        {
            var row = Row(Key(attempt.NodeName, attempt.Attempt, attempt.IsCompensation), attempt.StepName, attempt.NodeName, attempt.Attempt, attempt.IsCompensation);
            row.StartedAt = attempt.StartedAt;
            row.EndedAt = attempt.EndedAt;
            row.Error = attempt.Error is null ? null : $"{attempt.Error.Type}: {attempt.Error.Message}";
            var (state, colour) = attempt.Outcome switch
            {
                NodeExecutionOutcome.Completed => (attempt.IsCompensation ? "compensated" : "completed", attempt.IsCompensation ? "yellow" : "green"),
                NodeExecutionOutcome.Failed => ("failed", "red"),
                NodeExecutionOutcome.RetryScheduled => ("retry scheduled", "darkorange"),
                NodeExecutionOutcome.Abandoned => ("abandoned", "grey"),
                NodeExecutionOutcome.WaitingForRateLimit => ("waiting for rate limit", "grey"),
                NodeExecutionOutcome.WaitingForWorker => ("waiting for a worker", "grey"),
                _ => attempt.StartedAt is null ? ("dispatched", "grey") : ("running", "blue"),
            };
            Mark(row, state, colour);
        }
    }

    private void End(RunStatus status, FlowRunEvent e)
    {
        Status = status;
        EndedAt = e.At;
        if (e.Error is { } error && Error is null)
        {
            Error = new RunError { FlowName = e.FlowName, StepName = e.StepName, NodeName = e.NodeName, Attempt = e.Attempt, Error = error, OccurredAt = e.At };
        }
    }

    private static void Mark(AttemptRow row, string state, string colour)
    {
        // Events of one attempt can arrive out of order: an ended attempt never goes back to running.
        if (row.State is "completed" or "compensated" or "failed" or "failed, will retry" && state is "dispatched" or "running")
        {
            return;
        }

        row.State = state;
        row.Colour = colour;
    }

    /// <summary>
    /// The row of an event's attempt, keyed by node, attempt and kind (node names are unique within a flow). Compensation
    /// events carry no attempt: they go to the compensation's latest attempt. A retry's event names the attempt to come.
    /// </summary>
    private AttemptRow Row(FlowRunEvent e)
    {
        var node = e.NodeName!;
        var attempt = e.Attempt;
        if (attempt <= 0)
        {
            attempt = _rows.Values.Where(r => r.Node == node && r.IsCompensation == e.IsCompensation).Select(r => r.Attempt).DefaultIfEmpty(1).Max();
        }

        var step = e.StepName ?? _rows.Values.FirstOrDefault(r => r.Node == node)?.Step ?? node;
        return Row(Key(node, attempt, e.IsCompensation), step, node, attempt, e.IsCompensation);
    }

    private static string Key(string node, int attempt, bool isCompensation) =>
        string.Create(CultureInfo.InvariantCulture, $"{node}#{attempt}{(isCompensation ? "#compensation" : "")}");

    private AttemptRow Row(string key, string step, string node, int attempt, bool isCompensation)
    {
        if (!_rows.TryGetValue(key, out var row))
        {
            row = new AttemptRow { Step = step, Node = node, Attempt = Math.Max(1, attempt), IsCompensation = isCompensation };
            _rows[key] = row;
            _order.Add(key);
        }

        return row;
    }
}
