using System.CommandLine;
using System.Text.Json;
using Resolute.Cli.Connection;
using Resolute.Cli.Rendering;
using Spectre.Console;

namespace Resolute.Cli;

/// <summary>What every command works with: the consoles, the connection seam, the shared options.</summary>
internal sealed class CliContext
{
    public CliContext(IAnsiConsole console, TextWriter error, IBrokerConnector connector, IRunReaderFactory readers, Func<string, string?> environment, TimeProvider time)
    {
        Console = console;
        Error = error;
        Connector = connector;
        Readers = readers;
        Environment = environment;
        Time = time;
        Output = new Option<OutputFormat>("--output", "-o")
        {
            Description = "table (for people, the default) or json (for scripts: stable property names, no colours).",
            HelpName = "format",
            Recursive = true,
            DefaultValueFactory = _ => OutputFormat.Table,
        };
    }

    /// <summary>Standard output: tables, the live view, the Gantt chart, JSON.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Standard error: the one line of a failure.</summary>
    public TextWriter Error { get; }

    public IBrokerConnector Connector { get; }

    public IRunReaderFactory Readers { get; }

    public Func<string, string?> Environment { get; }

    public TimeProvider Time { get; }

    public ConnectionOptions Connection { get; } = new();

    // Where the running command connected, for the line of a later failure (one invocation per context).
    private string? _where;

    /// <summary><c>--output table|json</c>, on every command.</summary>
    public Option<OutputFormat> Output { get; }

    /// <summary>Connects to the broker for a command that needs the orchestrator.</summary>
    public async Task<IBrokerSession> ConnectAsync(ParseResult parse, string command, CancellationToken cancellationToken)
    {
        var settings = Connection.Resolve(parse, Environment);
        try
        {
            _where = $"RabbitMQ at {settings.RabbitMqDisplay}";
            return await Connector.ConnectAsync(settings, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException e) when (e.ExitCode == ExitCodes.CannotConnect && settings.Database is not null)
        {
            // --db alone does not serve the commands that talk to the orchestrator: say so instead of leaving it a riddle.
            throw new CliException(e.ExitCode, $"{e.Message}; '{command}' needs the orchestrator over RabbitMQ, --db serves only status, runs and history", e);
        }
    }

    /// <summary>A run reader: the saga database with <c>--db</c>, else the orchestrator over the broker.</summary>
    public async Task<IRunReader> OpenReaderAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var settings = Connection.Resolve(parse, Environment);
        _where = settings.Database is not null ? $"the {settings.DatabaseKind} database" : $"RabbitMQ at {settings.RabbitMqDisplay}";
        return settings.Database is not null
            ? await Readers.OpenDatabaseAsync(settings, cancellationToken).ConfigureAwait(false)
            : new BrokerRunReader(await Connector.ConnectAsync(settings, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Runs <paramref name="body"/> as <paramref name="command"/>'s action, turning every failure into one line on
    /// standard error and its exit code.
    /// </summary>
    public void SetAction(Command command, Func<ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await body(parse, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Failures.ExitCodeOf(e, _where, cancellationToken) is { } failure)
            {
                await Error.WriteLineAsync($"resolute {command.Name}: {failure.Message}").ConfigureAwait(false);
                return failure.ExitCode;
            }
        });

    /// <summary>True when the command should print JSON.</summary>
    public bool IsJson(ParseResult parse) => parse.GetValue(Output) == OutputFormat.Json;

    /// <summary>Writes one JSON document on one line, straight to the output (Spectre would wrap long lines).</summary>
    public void WriteJson<T>(T value)
    {
        var writer = Console.Profile.Out.Writer;
        writer.WriteLine(JsonSerializer.Serialize(value, CliJson.Options));
        writer.Flush();
    }
}

/// <summary>The output formats of <c>--output</c>.</summary>
internal enum OutputFormat
{
    /// <summary>Tables and charts for people.</summary>
    Table,

    /// <summary>JSON for scripts.</summary>
    Json,
}
