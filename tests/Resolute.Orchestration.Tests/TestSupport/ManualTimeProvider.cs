namespace Resolute.Orchestration.Tests.TestSupport;

/// <summary>A clock that moves only when a test moves it, so back-off and deadlines are exact.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    /// <summary>The instant every test starts at.</summary>
    public static readonly DateTimeOffset Epoch = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private DateTimeOffset _now;

    public ManualTimeProvider(DateTimeOffset? start = null) => _now = start ?? Epoch;

    public override DateTimeOffset GetUtcNow() => _now;

    /// <summary>Moves the clock forward by <paramref name="by"/>.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        _now += by;
    }

    /// <summary>Moves the clock to <paramref name="instant"/> (never backwards).</summary>
    public void SetUtcNow(DateTimeOffset instant)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(instant, _now);
        _now = instant;
    }
}
