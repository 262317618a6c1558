using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Resolute.Hosting.Tests.Observability;

/// <summary>One log entry as written: level, category, message, exception and the scopes it was written in.</summary>
internal sealed record CapturedLogEntry(LogLevel Level, string Category, string Message, Exception? Exception, IReadOnlyList<object> Scopes)
{
    /// <summary>The key/value pairs of the structured scopes (later scopes win).</summary>
    public IReadOnlyDictionary<string, object?> Scope => Scopes
        .OfType<IEnumerable<KeyValuePair<string, object?>>>()
        .SelectMany(pairs => pairs)
        .GroupBy(pair => pair.Key, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);

    /// <summary>Everything a log sink could show of the entry: message, exception and every scope, as one text.</summary>
    public string Text
    {
        get
        {
            var text = new StringBuilder(Message);
            if (Exception is not null)
            {
                text.AppendLine().Append(Exception);
            }

            foreach (var scope in Scopes)
            {
                text.AppendLine().Append(scope);
            }

            return text.ToString();
        }
    }
}

/// <summary>Keeps every log entry of a host, at every level, with the scopes it was written in.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<CapturedLogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<object>();
            provider._scopes.ForEachScope((scope, list) => list.Add(scope!), scopes);
            provider.Entries.Enqueue(new CapturedLogEntry(logLevel, category, formatter(state, exception), exception, scopes));
        }
    }
}
