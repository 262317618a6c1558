using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resolute.Cli.Connection;
using Resolute.Client;
using Spectre.Console.Testing;

namespace Resolute.Cli.Tests;

/// <summary>
/// An embedded Resolute host (in-memory transport, a temporary SQLite file) with the flows the CLI tests run, and a way
/// to run one <c>resolute</c> command line against it with its output captured by a <see cref="TestConsole"/>.
/// </summary>
public sealed class CliHost : IAsyncLifetime
{
    private IHost? _host;

    public string Database { get; } = Path.Combine(Path.GetTempPath(), $"resolute-cli-tests-{Guid.NewGuid():N}.db");

    public CliFlows Flows { get; } = new();

    public IFlowClient Client => _host!.Services.GetRequiredService<IFlowClient>();

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddResolute(r =>
        {
            r.UseSqlite($"Data Source={Database}");
            foreach (var flow in Flows.All)
            {
                r.AddFlow(flow);
            }
        });
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { Database, Database + "-wal", Database + "-shm" })
        {
            File.Delete(file);
        }
    }

    /// <summary>Runs one command line against the embedded host; the console is a plain one, as when output is redirected.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunAsync(new EmbeddedConnector(Client), args, ansi: false);

    /// <summary>As <see cref="RunAsync(string[])"/>, on a console that takes ANSI sequences, as a terminal does.</summary>
    public Task<CliResult> RunOnTerminalAsync(params string[] args) => RunAsync(new EmbeddedConnector(Client), args, ansi: true);

    /// <summary>Runs one command line with the production RabbitMQ connector (for the cannot-connect cases).</summary>
    public static Task<CliResult> RunWithRabbitMqAsync(params string[] args) => RunAsync(new RabbitMqBrokerConnector(), args, ansi: false);

    /// <summary>Runs one command line against <paramref name="client"/> instead of the embedded host's.</summary>
    public static Task<CliResult> RunWithClientAsync(IFlowClient client, params string[] args) => RunAsync(new EmbeddedConnector(client), args, ansi: false);

    /// <summary>Starts a command line without waiting for it, so a test can read its output while it runs.</summary>
    public RunningCommand Start(params string[] args)
    {
        var console = new TestConsole().Width(160);
        var error = new StringWriter();
        var context = new CliContext(console, error, new EmbeddedConnector(Client), new DatabaseRunReaderFactory(), _ => null, TimeProvider.System);
        return new RunningCommand(console, error, ResoluteCli.RunAsync(args, context));
    }

    private static async Task<CliResult> RunAsync(IBrokerConnector connector, string[] args, bool ansi)
    {
        var console = new TestConsole().Width(160);
        if (ansi)
        {
            console.SupportsAnsi(true).Interactive().EmitAnsiSequences();
        }

        var error = new StringWriter();
        // No variables from the machine running the tests: RESOLUTE_RABBITMQ there must not change what a test sees.
        var context = new CliContext(console, error, connector, new DatabaseRunReaderFactory(), _ => null, TimeProvider.System);
        var exitCode = await ResoluteCli.RunAsync(args, context);
        return new CliResult(exitCode, console.Output, error.ToString());
    }

    /// <summary>Hands the commands the embedded host's client instead of connecting to a broker.</summary>
    private sealed class EmbeddedConnector(IFlowClient client) : IBrokerConnector
    {
        public Task<IBrokerSession> ConnectAsync(ConnectionSettings settings, CancellationToken cancellationToken) =>
            Task.FromResult<IBrokerSession>(new Session(client));

        private sealed class Session(IFlowClient client) : IBrokerSession
        {
            public IFlowClient Client => client;

            public string Address => "in-memory://embedded/";

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}

/// <summary>A command line still running: its output so far, and its end.</summary>
public sealed class RunningCommand
{
    private readonly TestConsole _console;
    private readonly StringWriter _error;
    private readonly Task<int> _exitCode;

    internal RunningCommand(TestConsole console, StringWriter error, Task<int> exitCode)
    {
        _console = console;
        _error = error;
        _exitCode = exitCode;
    }

    /// <summary>What it has written so far.</summary>
    public string Output => _console.Output;

    /// <summary>Waits for it to end, at most <paramref name="timeout"/>.</summary>
    public async Task<CliResult> EndAsync(TimeSpan timeout) =>
        new(await _exitCode.WaitAsync(timeout), _console.Output, _error.ToString());
}

/// <summary>What one command line did.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
