using System.CommandLine;
using System.Globalization;
using Resolute.Cli.Connection;
using Resolute.Cli.Rendering;
using Resolute.Client;
using Resolute.Contracts;
using Spectre.Console;

namespace Resolute.Cli.Commands;

/// <summary><c>resolute runs [--flow] [--status] [--since] [--limit] [--page-token]</c>: runs, newest first.</summary>
internal static class RunsCommand
{
    public static Command Create(CliContext cli)
    {
        var flow = new Option<string?>("--flow") { Description = "Only runs of this flow.", HelpName = "name" };
        var status = new Option<IReadOnlyList<RunStatus>>("--status")
        {
            Description = $"Only runs in these statuses; repeat it or separate with commas: {string.Join(", ", Enum.GetNames<RunStatus>())}.",
            HelpName = "status",
            AllowMultipleArgumentsPerToken = false,
            CustomParser = result =>
            {
                var statuses = new List<RunStatus>();
                foreach (var value in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
                {
                    if (!Enum.TryParse<RunStatus>(value, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                    {
                        result.AddError($"--status '{value}' is not a run status; allowed: {string.Join(", ", Enum.GetNames<RunStatus>())}");
                        return [];
                    }

                    statuses.Add(parsed);
                }

                return statuses;
            },
        };
        var since = new Option<string?>("--since")
        {
            Description = "Only runs created since then: a duration back from now (30m, 2h, 7d) or a date-time (2026-12-01 or 2026-12-01T08:00:00Z).",
            HelpName = "when",
        };
        var limit = new Option<int>("--limit")
        {
            Description = "At most this many runs (1-1000). Default 50.",
            HelpName = "count",
            DefaultValueFactory = _ => 50,
        };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                result.AddError("--limit must be between 1 and 1000");
            }
        });
        var pageToken = new Option<string?>("--page-token") { Description = "Continue after the previous page (the token it printed).", HelpName = "token" };
        var command = new Command("runs", "List runs, newest first. Reads the orchestrator over RabbitMQ, or the saga database with --db.")
        {
            flow,
            status,
            since,
            limit,
            pageToken,
        };
        cli.SetAction(command, async (parse, cancellationToken) =>
        {
            var query = new FlowRunQuery
            {
                FlowName = parse.GetValue(flow),
                Statuses = parse.GetValue(status) is { Count: > 0 } statuses ? statuses : null,
                Since = ParseSince(parse.GetValue(since), cli.Time.GetUtcNow()),
                Limit = parse.GetValue(limit),
                PageToken = parse.GetValue(pageToken),
            };
            var reader = await cli.OpenReaderAsync(parse, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                FlowRunPage page;
                try
                {
                    page = await reader.ListRunsAsync(query, cancellationToken).ConfigureAwait(false);
                }
                catch (ArgumentException e) when (query.PageToken is not null)
                {
                    // The only argument the listing can refuse once --limit is checked: a page token it did not hand out.
                    throw new CliException(ExitCodes.Usage, $"--page-token is not one a run listing printed: {Failures.OneLine(e.Message)}", e);
                }

                if (cli.IsJson(parse))
                {
                    cli.WriteJson(new RunListJson([.. page.Runs.Select(RunSummaryJson.From)], page.NextPageToken));
                    return ExitCodes.Ok;
                }

                if (page.Runs.Count == 0)
                {
                    cli.Console.MarkupLine("[grey]No runs match.[/]");
                    return ExitCodes.Ok;
                }

                var now = cli.Time.GetUtcNow();
                var table = new Table().Border(TableBorder.Rounded)
                    .AddColumn("Run").AddColumn("Flow").AddColumn("Status").AddColumn("Step").AddColumn("Created (UTC)").AddColumn(new TableColumn("Duration").RightAligned()).AddColumn("Error");
                foreach (var run in page.Runs)
                {
                    table.AddRow(
                        run.RunId.ToString(),
                        $"{Styles.Escape(run.FlowName)} [grey]{Styles.Escape(run.FlowVersion)}[/]",
                        Styles.Status(run.Status),
                        Styles.Escape(run.CurrentStep),
                        Styles.Time(run.CreatedAt),
                        Styles.Duration((run.EndedAt ?? now) - run.CreatedAt),
                        run.ErrorSummary is null ? "" : $"[red]{Styles.Escape(run.ErrorSummary)}[/]");
                }

                cli.Console.Write(table);
                if (page.NextPageToken is not null)
                {
                    cli.Console.MarkupLine($"[grey]More runs: add --page-token {Styles.Escape(page.NextPageToken)}[/]");
                }

                return ExitCodes.Ok;
            }
        });
        return command;
    }

    /// <summary><c>--since</c>: a duration back from <paramref name="now"/> or a date-time (UTC unless it says otherwise).</summary>
    internal static DateTimeOffset? ParseSince(string? text, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var trimmed = text.Trim();
        if (trimmed.EndsWith('d') && double.TryParse(trimmed[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var days) && days > 0)
        {
            return now - TimeSpan.FromDays(days);
        }

        if (DurationParser.TryParse(trimmed, out var ago) && !trimmed.Contains('-', StringComparison.Ordinal))
        {
            return now - ago;
        }

        if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return at;
        }

        throw new CliException(ExitCodes.Usage, $"--since '{trimmed}' is neither a duration (30m, 2h, 7d) nor a date-time (2026-12-01T08:00:00Z)");
    }
}
