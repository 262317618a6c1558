namespace Resolute.Orchestration.Timers;

/// <summary>
/// The earliest run timer this orchestrator knows of, so that <see cref="RunTimerPoller"/> looks for due runs when that
/// timer is due instead of at its next poll. Armed after each saga transaction that left the run a
/// <c>NextWakeAt</c> (see <see cref="Sagas.RunAfterCommitEndpointExtensions.UseRunAfterCommit"/>) and by the poller with the next timer
/// the database holds. Only the earliest time is kept: every query at or after it reports the next timer, so later
/// ones are not lost.
/// </summary>
public sealed class RunWakeSchedule
{
    // Timers accept at most about 49 days; a longer wait is taken in pieces (each piece re-checks the clock).
    private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(1);

    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private DateTimeOffset? _earliest;
    private TaskCompletionSource _earlier = NewSignal();

    /// <summary>Creates an empty schedule.</summary>
    /// <param name="time">The clock due times are compared with; a fake one in tests.</param>
    public RunWakeSchedule(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>The earliest armed due time not yet looked for, or null.</summary>
    public DateTimeOffset? EarliestDueAt
    {
        get
        {
            lock (_gate)
            {
                return _earliest;
            }
        }
    }

    /// <summary>
    /// Asks for a look for due runs at <paramref name="dueAt"/> (at once when it has passed). Keeps it only when it is
    /// earlier than the time already armed, and then wakes the waiting loop so that it waits less.
    /// </summary>
    /// <param name="dueAt">A run's <c>NextWakeAt</c>, already committed to the database.</param>
    public void Arm(DateTimeOffset dueAt)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_earliest is { } current && current <= dueAt)
            {
                return;
            }

            _earliest = dueAt;
            signal = _earlier;
            _earlier = NewSignal();
        }

        signal.TrySetResult();
    }

    /// <summary>
    /// Forgets the armed time when it is due at <paramref name="now"/>: called right before a query for due runs, which
    /// sees every run armed before it (they are armed after their commit).
    /// </summary>
    internal void TakeDue(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_earliest <= now)
            {
                _earliest = null;
            }
        }
    }

    /// <summary>
    /// Completes when the armed time is due, or after <paramref name="maxWait"/> (the safety poll), whichever is first.
    /// An earlier <see cref="Arm"/> during the wait shortens it. The safety bound counts on the monotonic clock, so a wall
    /// clock set back cannot stall the loop.
    /// </summary>
    internal async Task WaitAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            DateTimeOffset? earliest;
            Task earlier;
            lock (_gate)
            {
                earliest = _earliest;
                earlier = _earlier.Task;
            }

            var delay = maxWait - _time.GetElapsedTime(started);
            if (earliest is { } dueAt && dueAt - _time.GetUtcNow() is var untilDue && untilDue < delay)
            {
                delay = untilDue;
            }

            if (delay <= TimeSpan.Zero)
            {
                return;
            }

            if (delay > LongestTimer)
            {
                delay = LongestTimer;
            }

            using var stopTimer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timer = Task.Delay(delay, _time, stopTimer.Token);
            if (await Task.WhenAny(timer, earlier).ConfigureAwait(false) == earlier)
            {
                // An earlier time was armed: drop this timer and wait again for the new earliest.
                await stopTimer.CancelAsync().ConfigureAwait(false);
            }

            // Otherwise the timer elapsed (or the loop stops): the next turn checks the clock rather than trusting
            // the timer to the tick.
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
