using System.CommandLine;
using Resolute.Cli.Rendering;
using Resolute.Client;
using Spectre.Console;

namespace Resolute.Cli.Commands;

/// <summary><c>resolute cancel &lt;runId&gt; [--reason]</c>: asks the orchestrator to cancel a run and says what it did.</summary>
internal static class CancelCommand
{
    public static Command Create(CliContext cli)
    {
        var runId = RunIdArgument.Create();
        var reason = new Option<string?>("--reason") { Description = "Why, recorded on the run.", HelpName = "text" };
        var command = new Command("cancel", "Cancel a run: running nodes are told to stop, completed ones are compensated, the run ends Cancelled. Needs the orchestrator over RabbitMQ. Exit 0 when the run is being cancelled, 1 when the request changed nothing (run already ended, or already failing), 3 for an unknown run, 5 when the orchestrator did not confirm in time.")
        {
            runId,
            reason,
        };
        cli.SetAction(command, async (parse, cancellationToken) =>
        {
            var id = parse.GetValue(runId);
            var session = await cli.ConnectAsync(parse, command.Name, cancellationToken).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                var result = await session.Client.CancelAsync(id, parse.GetValue(reason), cancellationToken).ConfigureAwait(false);
                var exitCode = result.Outcome switch
                {
                    CancelFlowRunOutcome.Accepted or CancelFlowRunOutcome.AlreadyCancelling => ExitCodes.Ok,
                    CancelFlowRunOutcome.NotFound => throw new CliException(ExitCodes.NotFound, $"unknown run {id} (asked the orchestrator via RabbitMQ at {session.Address})"),
                    CancelFlowRunOutcome.Unconfirmed => ExitCodes.TimedOut,
                    _ => ExitCodes.RunNotCompleted,
                };
                if (cli.IsJson(parse))
                {
                    cli.WriteJson(new CancelJson(result.RunId, result.RequestId, result.Outcome, result.Status, result.Message));
                }
                else
                {
                    var colour = exitCode == ExitCodes.Ok ? "green" : "yellow";
                    cli.Console.MarkupLine($"[{colour}]{result.Outcome}[/]: {Styles.Escape(result.Message)}");
                }

                return exitCode;
            }
        });
        return command;
    }
}
