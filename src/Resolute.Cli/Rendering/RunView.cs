using Resolute.Contracts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Resolute.Cli.Rendering;

/// <summary>The table form of <c>status</c>: the run's facts, then one row per attempt.</summary>
internal static class RunView
{
    public static IRenderable Render(FlowRunSnapshot run, DateTimeOffset now)
    {
        var facts = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        facts.AddRow("[bold]Run[/]", run.RunId.ToString());
        facts.AddRow("[bold]Flow[/]", $"{Styles.Escape(run.FlowName)} [grey](version {Styles.Escape(run.FlowVersion)})[/]");
        facts.AddRow("[bold]Status[/]", Styles.Status(run.Status));
        if (run.CurrentStep is not null)
        {
            facts.AddRow("[bold]Step[/]", Styles.Escape(run.CurrentStep));
        }

        facts.AddRow("[bold]Created[/]", Styles.Time(run.CreatedAt));
        facts.AddRow("[bold]Updated[/]", Styles.Time(run.UpdatedAt));
        facts.AddRow(run.EndedAt is null ? "[bold]Running for[/]" : "[bold]Took[/]", Styles.Duration((run.EndedAt ?? now) - run.CreatedAt));
        if (run.Error is { } error)
        {
            facts.AddRow("[bold]Error[/]", $"[red]{Styles.Escape(error.ToString())}[/]");
        }

        foreach (var compensation in run.CompensationErrors)
        {
            facts.AddRow("[bold]Compensation error[/]", $"[red]{Styles.Escape(compensation.ToString())}[/]");
        }

        if (run.TraceId is not null)
        {
            facts.AddRow("[bold]Trace[/]", run.TraceId);
        }

        if (run.History.Count == 0)
        {
            return facts;
        }

        var attempts = new Table().Border(TableBorder.Rounded)
            .AddColumn("Step").AddColumn("Node").AddColumn(new TableColumn("Attempt").RightAligned()).AddColumn("Outcome")
            .AddColumn("Started").AddColumn(new TableColumn("Duration").RightAligned()).AddColumn("Error");
        foreach (var attempt in run.History)
        {
            var outcome = $"[{Styles.Colour(attempt.Outcome, attempt.IsCompensation)}]{attempt.Outcome}[/]{(attempt.IsCompensation ? " [yellow](compensation)[/]" : "")}";
            var started = attempt.StartedAt ?? attempt.DispatchedAt;
            attempts.AddRow(
                Styles.Escape(attempt.StepName),
                Styles.Escape(attempt.NodeName),
                attempt.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
                outcome,
                Styles.Time(started),
                Styles.Duration((attempt.EndedAt ?? now) - started),
                attempt.Error is null ? "" : $"[red]{Styles.Escape($"{attempt.Error.Type}: {attempt.Error.Message}")}[/]");
        }

        return new Rows(facts, new Text(string.Empty), attempts);
    }
}
