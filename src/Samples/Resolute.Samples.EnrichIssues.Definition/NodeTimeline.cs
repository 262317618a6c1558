using System.Diagnostics;

namespace Resolute.Samples;

/// <summary>
/// Prints each node's start and end (or failure), relative to the sample's start, as the nodes run. Thread-safe: the
/// nodes of a parallel step report at the same time.
/// </summary>
public sealed class NodeTimeline
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private readonly TextWriter _output;

    /// <summary>A timeline that writes to <paramref name="output"/> (default: the console).</summary>
    public NodeTimeline(TextWriter? output = null)
    {
        _output = output ?? Console.Out;
    }

    /// <summary>Time since the timeline was created.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Writes one line prefixed with the elapsed time and <paramref name="what"/> (e.g. <c>start</c>, <c>run</c>).</summary>
    public void Write(string what, string text) => WriteLine($"  {Elapsed.TotalSeconds,7:0.000}s  {what,-6} {text}");

    /// <summary>Writes one line as it is.</summary>
    public void WriteLine(string line)
    {
        lock (_lock)
        {
            _output.WriteLine(line);
        }
    }
}
