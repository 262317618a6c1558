using System.Diagnostics;

namespace Resolute.Samples.EnrichIssues;

/// <summary>Prints each node's start and end, relative to the sample's start, as the nodes run.</summary>
public sealed class NodeTimeline
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _console = new();

    public TimeSpan Elapsed => _clock.Elapsed;

    public async Task<T> Time<T>(NodeContext context, int simulatedLatencyMs, Func<T> work)
    {
        Write($"  {Elapsed.TotalSeconds,6:0.000}s  start  {context.NodeName,-15} (attempt {context.Attempt})");
        var started = _clock.Elapsed;
        await Task.Delay(simulatedLatencyMs, context.CancellationToken);
        var result = work();
        Write($"  {Elapsed.TotalSeconds,6:0.000}s  end    {context.NodeName,-15} took {(Elapsed - started).TotalMilliseconds,5:0} ms");
        return result;
    }

    public void Write(string line)
    {
        lock (_console)
        {
            Console.WriteLine(line);
        }
    }
}
