using Resolute.Contracts;
using Spectre.Console;

namespace Resolute.Cli.Rendering;

/// <summary>
/// <c>history</c>'s text Gantt chart: one row per attempt on one time axis scaled to the run's span, so the bars of
/// parallel nodes overlap; retries are labelled with their attempt, compensations with ↩, and a legend says what each
/// fill means.
/// </summary>
internal static class GanttChart
{
    public const char Waiting = '░';
    public const char Completed = '█';
    public const char Failed = '▓';
    public const char Compensation = '▒';
    public const char Running = '▶';

    private const int DurationWidth = 9;

    /// <summary>One row: which columns its bar covers (inclusive start, exclusive end) and how it is drawn.</summary>
    public sealed record Row(NodeExecutionRecord Attempt, string Label, int WaitStart, int RunStart, int End, char Fill, string Colour, string Duration);

    /// <summary>Lays the attempts out on <paramref name="barWidth"/> columns.</summary>
    public static (IReadOnlyList<Row> Rows, DateTimeOffset From, DateTimeOffset To) Layout(FlowRunSnapshot run, int barWidth, DateTimeOffset now)
    {
        var from = run.History.Count == 0 ? run.CreatedAt : new[] { run.CreatedAt, run.History.Min(a => a.DispatchedAt) }.Min();
        var to = run.EndedAt ?? now;
        foreach (var attempt in run.History)
        {
            var end = attempt.EndedAt ?? (run.EndedAt is null ? now : attempt.StartedAt ?? attempt.DispatchedAt);
            to = end > to ? end : to;
        }

        var span = to - from;
        if (span <= TimeSpan.Zero)
        {
            span = TimeSpan.FromMilliseconds(1);
        }

        int Column(DateTimeOffset time) => Math.Clamp((int)Math.Floor((time - from) / span * barWidth), 0, barWidth - 1);

        var rows = new List<Row>();
        foreach (var attempt in run.History.OrderBy(a => a.DispatchedAt).ThenBy(a => a.IsCompensation).ThenBy(a => a.StepName, StringComparer.Ordinal).ThenBy(a => a.NodeName, StringComparer.Ordinal))
        {
            var started = attempt.StartedAt ?? attempt.DispatchedAt;
            var ended = attempt.EndedAt ?? (run.EndedAt is null ? now : started);
            var waitStart = Column(attempt.DispatchedAt);
            var runStart = Math.Max(waitStart, Column(started));
            var end = Math.Max(runStart + 1, Math.Min(barWidth, (int)Math.Ceiling((ended - from) / span * barWidth)));
            var fill = attempt.IsCompensation ? Compensation
                : attempt.Outcome switch
                {
                    NodeExecutionOutcome.Completed => Completed,
                    NodeExecutionOutcome.Pending when attempt.StartedAt is null => Waiting,
                    NodeExecutionOutcome.Pending => Running,
                    NodeExecutionOutcome.WaitingForRateLimit or NodeExecutionOutcome.WaitingForWorker => Waiting,
                    _ => Failed,
                };
            var label = attempt.StepName == attempt.NodeName ? attempt.NodeName : $"{attempt.StepName}/{attempt.NodeName}";
            if (attempt.IsCompensation)
            {
                label = $"↩ {label} (compensation)";
            }
            else if (attempt.Attempt > 1)
            {
                label = $"{label} ↻ attempt {attempt.Attempt}";
            }

            var duration = attempt.EndedAt is null && run.EndedAt is not null ? "-" : Styles.Duration(ended - started);
            rows.Add(new Row(attempt, label, waitStart, runStart, end, fill, Styles.Colour(attempt.Outcome, attempt.IsCompensation), duration));
        }

        return (rows, from, to);
    }

    /// <summary>Writes the chart, its axis and its legend to <paramref name="console"/>, fitted to its width.</summary>
    public static void Write(IAnsiConsole console, FlowRunSnapshot run, DateTimeOffset now)
    {
        var width = Math.Max(60, console.Profile.Width);
        var labelWidth = Math.Clamp(run.History.Count == 0 ? 10 : run.History.Max(a => LabelLength(a)), 10, 48);
        var barWidth = Math.Max(20, width - labelWidth - DurationWidth - 3);
        var (rows, from, to) = Layout(run, barWidth, now);

        var took = run.EndedAt is null ? $"running for {Styles.Duration(now - run.CreatedAt)}" : $"took {Styles.Duration(run.EndedAt.Value - run.CreatedAt)}";
        console.MarkupLine($"Run [bold]{run.RunId}[/] of [bold]{Styles.Escape(run.FlowName)}[/] (version {Styles.Escape(run.FlowVersion)}): {Styles.Status(run.Status)}, {took}");
        if (rows.Count == 0)
        {
            console.MarkupLine("[grey]No node has been dispatched yet.[/]");
            return;
        }

        var pad = new string(' ', labelWidth + 1);
        console.WriteLine(pad + Axis(barWidth, to - from));
        console.WriteLine(pad + Ticks(barWidth));
        foreach (var row in rows)
        {
            var label = Fit(row.Label, labelWidth);
            var waiting = row.RunStart - row.WaitStart;
            var running = row.End - row.RunStart;
            var line = $"{Styles.Escape(label)} {new string(' ', row.WaitStart)}" +
                       (waiting > 0 ? $"[grey]{new string(Waiting, waiting)}[/]" : "") +
                       $"[{row.Colour}]{new string(row.Fill, running)}[/]" +
                       $"{new string(' ', barWidth - row.End)} {row.Duration.PadLeft(DurationWidth - 1)}";
            console.MarkupLine(line);
        }

        console.WriteLine();
        console.MarkupLine($"[green]{Completed}[/] completed  [red]{Failed}[/] failed  [yellow]{Compensation}[/] compensation ↩  " +
                           $"[grey]{Waiting}[/] queued  [blue]{Running}[/] running  ↻ retry attempt");
        console.MarkupLine($"[grey]axis: 0 = run created at {Styles.Time(from)}; one column = {Styles.Duration((to - from) / barWidth)}[/]");
    }

    private static int LabelLength(NodeExecutionRecord attempt)
    {
        var length = attempt.StepName == attempt.NodeName ? attempt.NodeName.Length : attempt.StepName.Length + 1 + attempt.NodeName.Length;
        return length + (attempt.IsCompensation ? 17 : attempt.Attempt > 1 ? 12 : 0);
    }

    private static string Fit(string label, int width) => label.Length <= width ? label.PadRight(width) : label[..(width - 1)] + "…";

    /// <summary>Time labels at 0, ¼, ½, ¾ and the end of the axis.</summary>
    private static string Axis(int width, TimeSpan span)
    {
        var line = new char[width + DurationWidth];
        Array.Fill(line, ' ');
        for (var i = 0; i <= 4; i++)
        {
            var text = Styles.Duration(span * i / 4);
            var at = i == 0 ? 0 : Math.Min(width * i / 4 - (i == 4 ? text.Length - 1 : text.Length / 2), line.Length - text.Length);
            text.CopyTo(0, line, Math.Max(0, at), text.Length);
        }

        return new string(line).TrimEnd();
    }

    private static string Ticks(int width)
    {
        var line = new char[width];
        Array.Fill(line, '─');
        for (var i = 0; i <= 4; i++)
        {
            line[Math.Min(width - 1, width * i / 4)] = '┬';
        }

        return new string(line);
    }
}
