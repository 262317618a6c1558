namespace Resolute.Samples;

/// <summary>
/// The simulated work of the samples' nodes: each node waits a short latency standing for its remote call (no real
/// HTTP), scaled by <see cref="LatencyScale"/>, and reports its start and end to an optional <see cref="NodeTimeline"/>.
/// One instance is shared by the nodes of a flow definition; it holds no per-run state.
/// </summary>
public sealed class SimulatedWork
{
    /// <summary>Work without latency and without output: the nodes answer at once (tests).</summary>
    public static SimulatedWork Instant { get; } = new(0);

    /// <summary>Creates the simulated work.</summary>
    /// <param name="latencyScale">Multiplies every node's latency: 1 as written in the samples, 0 for none.</param>
    /// <param name="timeline">Where node starts and ends are printed; null prints nothing.</param>
    public SimulatedWork(double latencyScale = 1.0, NodeTimeline? timeline = null)
    {
        if (!double.IsFinite(latencyScale) || latencyScale < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(latencyScale), latencyScale, "The latency scale must be a finite number, 0 or more.");
        }

        LatencyScale = latencyScale;
        Timeline = timeline;
    }

    /// <summary>The factor applied to every node's latency.</summary>
    public double LatencyScale { get; }

    /// <summary>Where node starts and ends are printed, if anywhere.</summary>
    public NodeTimeline? Timeline { get; }

    /// <summary>The latency a node of <paramref name="latencyMs"/> milliseconds waits under this scale.</summary>
    public TimeSpan Latency(int latencyMs) => TimeSpan.FromMilliseconds(latencyMs * LatencyScale);

    /// <summary>
    /// Runs one node attempt: reports its start, waits its scaled latency (cancelled with the attempt), then computes
    /// the result with <paramref name="work"/> (which may throw, as a failing call does) and reports the end.
    /// </summary>
    public async Task<T> RunAsync<T>(NodeContext context, int latencyMs, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(work);
        var started = Timeline?.Elapsed ?? TimeSpan.Zero;
        Timeline?.Write("start", $"{context.NodeName} (attempt {context.Attempt})");
        var latency = Latency(latencyMs);
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, context.CancellationToken).ConfigureAwait(false);
        }

        T result;
        try
        {
            result = work();
        }
        catch (Exception error)
        {
            Timeline?.Write("failed", $"{context.NodeName} (attempt {context.Attempt}) after {Took(started)}: {error.Message}");
            throw;
        }

        Timeline?.Write("end", $"{context.NodeName} took {Took(started)}");
        return result;
    }

    private string Took(TimeSpan started) => $"{((Timeline?.Elapsed ?? started) - started).TotalMilliseconds:0} ms";
}
