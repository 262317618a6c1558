using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Hosting;

/// <summary>
/// Everything the processes of a cluster (and its in-test client) write, time-stamped and tagged with the source.
/// A test attaches its <see cref="ITestOutputHelper"/>: it receives the lines no earlier test has shown (the cluster's
/// start-up for the first test) and then every line live, so a failing test's output holds what the orchestrator and
/// the workers said meanwhile.
/// </summary>
public sealed class ProcessLog
{
    private readonly object _gate = new();
    private readonly List<string> _lines = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private ITestOutputHelper? _output;
    private int _shown;

    /// <summary>Records one line from <paramref name="source"/>.</summary>
    public void Write(string source, string line)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{_clock.Elapsed.TotalSeconds,8:0.000}s [{source}] {line}");
        lock (_gate)
        {
            _lines.Add(text);
            if (_output is not null)
            {
                try
                {
                    _output.WriteLine(text);
                    _shown = _lines.Count;
                }
                catch (InvalidOperationException)
                {
                    // The test has ended (xunit refuses output then); later lines go to the next test.
                    _output = null;
                }
            }
        }
    }

    /// <summary>Sends the lines not shown yet, and from now on every line, to <paramref name="output"/>.</summary>
    public void Attach(ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_gate)
        {
            _output = output;
            for (var i = _shown; i < _lines.Count; i++)
            {
                output.WriteLine(_lines[i]);
            }

            _shown = _lines.Count;
        }
    }

    /// <summary>Stops sending lines to the test attached.</summary>
    public void Detach()
    {
        lock (_gate)
        {
            _output = null;
        }
    }

    /// <summary>Every line recorded so far that contains <paramref name="text"/> (ordinal), oldest first.</summary>
    public IReadOnlyList<string> LinesContaining(string text)
    {
        lock (_gate)
        {
            return _lines.Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();
        }
    }

    /// <summary>The last <paramref name="count"/> lines, for exception messages.</summary>
    public string Tail(int count = 150)
    {
        lock (_gate)
        {
            var from = Math.Max(0, _lines.Count - count);
            return string.Join(Environment.NewLine, _lines.Skip(from));
        }
    }

    /// <summary>A logger provider writing Warning and above into this log under <paramref name="source"/>.</summary>
    public ILoggerProvider CreateLoggerProvider(string source) => new LogProvider(this, source);

    private sealed class LogProvider(ProcessLog log, string source) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(log, source, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class Logger(ProcessLog log, string source, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (IsEnabled(logLevel))
            {
                log.Write(source, $"{logLevel}: {category}: {formatter(state, exception)}{(exception is null ? "" : $" {exception}")}");
            }
        }
    }
}
