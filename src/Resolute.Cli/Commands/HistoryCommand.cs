using System.CommandLine;
using Resolute.Cli.Rendering;

namespace Resolute.Cli.Commands;

/// <summary><c>resolute history &lt;runId&gt;</c>: the run's attempts as a text Gantt chart.</summary>
internal static class HistoryCommand
{
    public static Command Create(CliContext cli)
    {
        var runId = RunIdArgument.Create();
        var command = new Command("history", "Show a run's node timeline as a text Gantt chart: one row per attempt, parallel nodes side by side, retries and compensations marked. Reads the orchestrator over RabbitMQ, or the saga database with --db.")
        {
            runId,
        };
        cli.SetAction(command, async (parse, cancellationToken) =>
        {
            var id = parse.GetValue(runId);
            var reader = await cli.OpenReaderAsync(parse, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var run = await reader.GetRunAsync(id, cancellationToken).ConfigureAwait(false)
                          ?? throw new CliException(ExitCodes.NotFound, $"unknown run {id} (asked {reader.Source})");
                if (cli.IsJson(parse))
                {
                    cli.WriteJson(RunJson.From(run));
                }
                else
                {
                    GanttChart.Write(cli.Console, run, cli.Time.GetUtcNow());
                }

                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
