using System.CommandLine;
using Resolute.Cli.Commands;
using Resolute.Cli.Connection;
using Spectre.Console;

namespace Resolute.Cli;

/// <summary>The <c>resolute</c> command line: its commands, and how a parse or a failure becomes an exit code.</summary>
internal static class ResoluteCli
{
    /// <summary>Builds the root command over <paramref name="cli"/>.</summary>
    public static RootCommand Build(CliContext cli)
    {
        var root = new RootCommand(
            "resolute: start, watch, list and cancel Resolute flow runs, and show flows and schedules. " +
            "start, cancel, watch, flows and schedules talk to the orchestrator over RabbitMQ; status, runs and history " +
            "can also read the saga database directly with --db. Exit codes: 0 ok, 1 run ended not Completed, 2 usage, " +
            "3 unknown flow/run, 4 cannot connect, 5 timed out, 6 other failure (docs/cli.md).");
        cli.Connection.AddTo(root);
        root.Options.Add(cli.Output);
        root.Subcommands.Add(StartCommand.Create(cli));
        root.Subcommands.Add(StatusCommand.Create(cli));
        root.Subcommands.Add(RunsCommand.Create(cli));
        root.Subcommands.Add(WatchCommand.Create(cli));
        root.Subcommands.Add(HistoryCommand.Create(cli));
        root.Subcommands.Add(CancelCommand.Create(cli));
        root.Subcommands.Add(FlowsCommand.Create(cli));
        root.Subcommands.Add(SchedulesCommand.Create(cli));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliContext cli, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var root = Build(cli);
        // No response files: "@file" is how --input names a file, and must reach the option as written.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            // One line, the first problem, and where to read more: usage errors are exit code 2, not the parser's 1.
            var command = parse.CommandResult.Command;
            var name = command == root ? "resolute" : $"resolute {command.Name}";
            await cli.Error.WriteLineAsync($"{name}: {Failures.OneLine(parse.Errors[0].Message)} (see '{name} --help')").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = cli.Console.Profile.Out.Writer,
            Error = cli.Error,
            EnableDefaultExceptionHandler = false,
        };
        return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The production wiring: the real console, RabbitMQ, the process environment.</summary>
    public static CliContext CreateDefault()
    {
        // Redirected output is never interactive: watch then logs a line per event instead of redrawing a table.
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Interactive = Console.IsOutputRedirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        return new(console, Console.Error, new RabbitMqBrokerConnector(), new DatabaseRunReaderFactory(), Environment.GetEnvironmentVariable, TimeProvider.System);
    }
}
