using System.Collections.Concurrent;

namespace Resolute.Orchestration.Health;

/// <summary>
/// When each background loop of this process (the run timer loop, the outbox sweeper) last completed a pass, so that a
/// liveness check can tell a loop that is stuck from one that merely waits. A loop calls <see cref="Beat"/> after every
/// pass — successful or not: a database that is down is a readiness matter, not a reason to restart the process — and
/// <see cref="Stopped"/> when it ends. Cheap: one dictionary write a pass, no I/O.
/// </summary>
public sealed class LoopHeartbeats
{
    /// <summary>The name the run timer loop (<c>RunTimerPoller</c>) beats under.</summary>
    public const string TimerLoop = "timer-loop";

    /// <summary>The name the transactional outbox's sweeper beats under.</summary>
    public const string OutboxSweeper = "outbox-sweeper";

    private readonly ConcurrentDictionary<string, DateTimeOffset> _beats = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates the registry.</summary>
    /// <param name="time">The clock the beats are stamped with.</param>
    public LoopHeartbeats(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>Records that <paramref name="loop"/> completed a pass now.</summary>
    public void Beat(string loop)
    {
        ArgumentException.ThrowIfNullOrEmpty(loop);
        _beats[loop] = _time.GetUtcNow();
    }

    /// <summary>Forgets <paramref name="loop"/>: it ended (the host is stopping), so its silence means nothing.</summary>
    public void Stopped(string loop)
    {
        ArgumentException.ThrowIfNullOrEmpty(loop);
        _beats.TryRemove(loop, out _);
    }

    /// <summary>Every running loop and when it last completed a pass.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Snapshot() => new Dictionary<string, DateTimeOffset>(_beats, StringComparer.Ordinal);
}
