using System.CommandLine;
using System.Text.Json;
using Resolute.Cli.Connection;
using Resolute.Cli.Rendering;
using Resolute.Client;
using Resolute.Contracts;
using Spectre.Console;

namespace Resolute.Cli.Commands;

/// <summary><c>resolute start &lt;flow&gt; [--input json|@file] [--idempotency-key k] [--wait]</c>.</summary>
internal static class StartCommand
{
    public static Command Create(CliContext cli)
    {
        var flow = new Argument<string>("flow") { Description = "The flow's name, as registered with the orchestrator (see 'resolute flows')." };
        var input = new Option<string?>("--input", "-i")
        {
            Description = "The run's input: JSON text, or @path to read it from a file.",
            HelpName = "json|@file",
        };
        var key = new Option<string?>("--idempotency-key")
        {
            Description = "Makes the start idempotent: the same key always names the same run, and starts it once.",
            HelpName = "key",
        };
        var wait = new Option<bool>("--wait") { Description = "Wait for the run to end and show it; exit 1 when it ends other than Completed." };
        var timeout = DurationParser.Option("--timeout", $"With --wait: how long to wait for the run to end ({DurationParser.Forms}). Default 10m.", TimeSpan.FromMinutes(10));
        var command = new Command("start", "Start a run of a flow and print its id. Needs the orchestrator over RabbitMQ (the flow is checked against the flows it knows).")
        {
            flow,
            input,
            key,
            wait,
            timeout.Option,
        };
        cli.SetAction(command, async (parse, cancellationToken) =>
        {
            var flowName = parse.GetValue(flow)!;
            var inputJson = await ReadInputAsync(parse.GetValue(input), cancellationToken).ConfigureAwait(false);
            var idempotencyKey = parse.GetValue(key);
            var session = await cli.ConnectAsync(parse, command.Name, cancellationToken).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                await CheckFlowAsync(session, flowName, cancellationToken).ConfigureAwait(false);
                var runId = await session.Client.StartAsync(flowName, inputJson, new StartFlowOptions { IdempotencyKey = idempotencyKey, RequestedBy = "resolute-cli" }, cancellationToken)
                    .ConfigureAwait(false);
                FlowRunDescription? ended = null;
                if (parse.GetValue(wait))
                {
                    if (!cli.IsJson(parse))
                    {
                        cli.Console.MarkupLine($"Started run [bold]{runId}[/] of flow [bold]{Styles.Escape(flowName)}[/]; waiting for it to end…");
                    }

                    ended = await session.Client.WaitForCompletionAsync(runId, timeout.Get(parse), cancellationToken).ConfigureAwait(false);
                }

                if (cli.IsJson(parse))
                {
                    cli.WriteJson(new StartJson(runId, flowName, idempotencyKey, ended is null ? null : RunJson.From(ended.Snapshot)));
                }
                else if (ended is null)
                {
                    cli.Console.WriteLine(runId.ToString());
                }
                else
                {
                    cli.Console.Write(RunView.Render(ended.Snapshot, cli.Time.GetUtcNow()));
                }

                return ended is null || ended.Status == RunStatus.Completed ? ExitCodes.Ok : ExitCodes.RunNotCompleted;
            }
        });
        return command;
    }

    /// <summary>The <c>--input</c> as a JSON value: the text itself, or the file after <c>@</c>; a usage error when it is not JSON.</summary>
    internal static async Task<JsonElement?> ReadInputAsync(string? input, CancellationToken cancellationToken)
    {
        if (input is null)
        {
            return null;
        }

        var source = "--input";
        var text = input;
        if (input.StartsWith('@'))
        {
            var path = input[1..];
            source = $"--input file '{path}'";
            try
            {
                text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new CliException(ExitCodes.Usage, $"cannot read {source}: {Failures.OneLine(e.Message)}", e);
            }
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.Usage, $"{source} is not valid JSON: {Failures.OneLine(e.Message)}", e);
        }
    }

    /// <summary>Refuses a flow the orchestrator does not know before anything is published, listing the ones it knows.</summary>
    private static async Task CheckFlowAsync(IBrokerSession session, string flowName, CancellationToken cancellationToken)
    {
        var flows = await session.Client.GetFlowsAsync(cancellationToken).ConfigureAwait(false);
        if (!flows.Any(f => string.Equals(f.Name, flowName, StringComparison.Ordinal)))
        {
            var known = flows.Count == 0 ? "none" : string.Join(", ", flows.Select(f => f.Name).Order(StringComparer.Ordinal));
            throw new CliException(ExitCodes.NotFound, $"unknown flow '{flowName}' (asked the orchestrator via RabbitMQ at {session.Address}); known flows: {known}");
        }
    }
}
