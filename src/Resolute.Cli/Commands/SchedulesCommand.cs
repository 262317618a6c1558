using System.CommandLine;
using Resolute.Cli.Rendering;
using Spectre.Console;

namespace Resolute.Cli.Commands;

/// <summary><c>resolute schedules [--flow] [--next]</c>: the cron schedules, their next fire times, paused or not.</summary>
internal static class SchedulesCommand
{
    public static Command Create(CliContext cli)
    {
        var flow = new Option<string?>("--flow") { Description = "Only this flow's schedule.", HelpName = "name" };
        var next = new Option<int>("--next")
        {
            Description = "How many upcoming fire times to show per schedule (1-100). Default 3.",
            HelpName = "count",
            DefaultValueFactory = _ => 3,
        };
        next.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 100)
            {
                result.AddError("--next must be between 1 and 100");
            }
        });
        var command = new Command("schedules", "List the flows' cron schedules: triggers, time zones, policies, paused or not, next fire times. Needs the orchestrator over RabbitMQ.")
        {
            flow,
            next,
        };
        cli.SetAction(command, async (parse, cancellationToken) =>
        {
            var name = parse.GetValue(flow);
            var session = await cli.ConnectAsync(parse, command.Name, cancellationToken).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                var schedules = await session.Client.GetSchedulesAsync(name, parse.GetValue(next), cancellationToken).ConfigureAwait(false);
                if (name is not null && schedules.Count == 0)
                {
                    throw new CliException(ExitCodes.NotFound, $"no schedule of flow '{name}' (asked the orchestrator via RabbitMQ at {session.Address})");
                }

                if (cli.IsJson(parse))
                {
                    cli.WriteJson(schedules.Select(ScheduleJson.From).ToList());
                    return ExitCodes.Ok;
                }

                if (schedules.Count == 0)
                {
                    cli.Console.MarkupLine("[grey]No flow has a schedule.[/]");
                    return ExitCodes.Ok;
                }

                var table = new Table().Border(TableBorder.Rounded)
                    .AddColumn("Flow").AddColumn("State").AddColumn("Cron").AddColumn("Time zone").AddColumn("Overlap / misfire").AddColumn("Next fire times (UTC)");
                foreach (var schedule in schedules)
                {
                    table.AddRow(
                        Styles.Escape(schedule.FlowName),
                        schedule.Paused ? "[yellow]paused[/]" : "[green]active[/]" + (schedule.HasBufferedTick ? " [grey](a tick is buffered)[/]" : ""),
                        Styles.Escape(string.Join('\n', schedule.Triggers.Select(t => t.Cron))),
                        Styles.Escape(string.Join('\n', schedule.Triggers.Select(t => t.TimeZone))),
                        Styles.Escape(string.Join('\n', schedule.Triggers.Select(t => $"{t.Overlap} / {t.Misfire}"))),
                        string.Join('\n', schedule.NextFireTimes.Select(Styles.Time)));
                }

                cli.Console.Write(table);
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
