namespace Resolute.Soak;

/// <summary>How big a soak is and which seed draws its plan (<see cref="SoakPlan"/>).</summary>
public sealed record SoakOptions
{
    /// <summary>How many runs (default 1,000).</summary>
    public int Runs { get; init; } = 1000;

    /// <summary>The soak's window when given (<c>--minutes</c>); null = <see cref="DefaultDuration"/> of <see cref="Runs"/>.</summary>
    public TimeSpan? Window { get; init; }

    /// <summary>
    /// The soak's window: runs start evenly over its first 80% and faults fall between 8% and 75% of it. Default: one
    /// minute per 250 runs, at least one minute.
    /// </summary>
    public TimeSpan Duration => Window ?? DefaultDuration(Runs);

    /// <summary>The seed of the plan: the same seed (and options) gives the same inputs and fault schedule.</summary>
    public int Seed { get; init; }

    /// <summary>How long the runs may take to end once the window has passed, before those still open count as lost.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>The default window for <paramref name="runs"/> runs: a minute per 250 runs, at least one.</summary>
    public static TimeSpan DefaultDuration(int runs) => TimeSpan.FromMinutes(Math.Max(1.0, runs / 250.0));
}
