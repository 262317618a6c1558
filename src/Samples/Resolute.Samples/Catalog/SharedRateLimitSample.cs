using Resolute.Contracts;
using Resolute.Samples.SharedRateLimit;

namespace Resolute.Samples;

internal sealed class SharedRateLimitSample : ISample
{
    /// <summary>Clock and timer noise allowed on top of a start's window.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(25);

    public string Name => SharedRateLimitFlow.Name;

    public string Summary => "three nodes in one parallel step share one rate limiter: their starts are spaced";

    public IReadOnlyList<SampleOption> Options { get; } =
        [new("per-minute", "N", $"the shared limit in calls a minute (1 to 6000; default the seed's {SharedRateLimitFlow.DefaultPerMinute})")];

    public Flow Build(SimulatedWork work, SampleArguments args) => SharedRateLimitFlow.Build(work, PerMinute(args));

    public async Task<SampleVerdict> RunAsync(SampleSession session, SampleArguments args, CancellationToken cancellationToken)
    {
        var spacing = SharedRateLimitFlow.Spacing(PerMinute(args));
        var run = await session.RunAsync(Name, input: null, $"(limiter '{SharedRateLimitFlow.LimiterName}': {PerMinute(args)}/min, one start every {spacing.TotalMilliseconds:0} ms)", cancellationToken);
        if (run.Status != RunStatus.Completed)
        {
            return SampleVerdict.Expect(false, $"the run completes (it ended {run.Status})");
        }

        var starts = Starts(run);
        session.Line();
        session.Line($"  starts (the limiter reserves one slot every {spacing.TotalMilliseconds:0} ms; a node starts within {Window(spacing).TotalMilliseconds:0} ms of its slot):");
        for (var i = 0; i < starts.Count; i++)
        {
            var gap = i == 0 ? "" : $", +{(starts[i].At - starts[i - 1].At).TotalMilliseconds:0} ms after the previous one";
            session.Line($"    {starts[i].Node} at {starts[i].At:HH:mm:ss.fff}{gap}");
        }

        var gaps = starts.Zip(starts.Skip(1), (a, b) => b.At - a.At).ToList();
        return SampleVerdict.Expect(
            IsSpaced(starts.Select(s => s.At).ToList(), spacing),
            $"completed; consecutive starts {string.Join(", ", gaps.Select(g => $"{g.TotalMilliseconds:0} ms"))} apart, the limit's spacing {spacing.TotalMilliseconds:0} ms");
    }

    /// <summary>How late in its slot a node may start (docs/rate-limits.md: half the spacing, at least 50 ms).</summary>
    public static TimeSpan Window(TimeSpan spacing) => spacing / 2 > TimeSpan.FromMilliseconds(50) ? spacing / 2 : TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Whether the starts follow the limiter's slots: slot i is i spacings after slot 0, and a node starts inside its
    /// slot's window, so start i comes at least i spacings after start 0, less one window (start 0 may have been late).
    /// </summary>
    public static bool IsSpaced(IReadOnlyList<DateTimeOffset> starts, TimeSpan spacing) =>
        starts.Select((at, i) => at - starts[0] >= (i * spacing) - (i == 0 ? TimeSpan.Zero : Window(spacing) + Tolerance)).All(ok => ok);

    /// <summary>The nodes' starts, earliest first.</summary>
    public static IReadOnlyList<(string Node, DateTimeOffset At)> Starts(Client.FlowRunDescription run) =>
        run.History.Where(e => e.StartedAt is not null).OrderBy(e => e.StartedAt).Select(e => (e.NodeName, e.StartedAt!.Value)).ToList();

    private static int PerMinute(SampleArguments args) => args.Int("per-minute", SharedRateLimitFlow.DefaultPerMinute, 1, 6000);
}
