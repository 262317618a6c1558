using System.CommandLine;
using Resolute.Cli.Rendering;

namespace Resolute.Cli.Commands;

/// <summary><c>resolute status &lt;runId&gt;</c>: the run's status, step, error and attempts.</summary>
internal static class StatusCommand
{
    public static Command Create(CliContext cli)
    {
        var runId = RunIdArgument.Create();
        var command = new Command("status", "Show a run: status, current step, error, and every attempt. Reads the orchestrator over RabbitMQ, or the saga database with --db.")
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
                    cli.Console.Write(RunView.Render(run, cli.Time.GetUtcNow()));
                }

                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
