namespace Resolute;

/// <summary>
/// Thresholds of the health checks <c>AddResolute</c> registers (see <see cref="ResoluteHealthChecks"/>). A value past
/// the Degraded threshold reports <c>Degraded</c> (ASP.NET Core's health endpoint still answers 200); past the
/// Unhealthy threshold, <c>Unhealthy</c> (503).
/// </summary>
public sealed class ResoluteHealthOptions
{
    /// <summary>
    /// The age of the oldest row of the transactional outbox (a command or event committed but not yet sent) past which
    /// the outbox check reports Degraded. Rows normally leave within milliseconds; one whose fast path was lost (a crash,
    /// a broker outage) waits for the sweeper, i.e. up to <c>ResoluteOutboxOptions.SweepAge</c> (2 s) plus a sweep.
    /// Default 30 s; never below <c>SweepAge + SweepInterval</c> (a lower value is raised to it).
    /// </summary>
    public TimeSpan OutboxBacklogDegradedAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The age of the oldest outbox row past which the outbox check reports Unhealthy: messages are stuck (the broker is
    /// unreachable, or no orchestrator sweeps). Default 60 s; never below <c>SweepAge + SweepInterval + DeliveryTimeout</c>
    /// of <c>ResoluteOutboxOptions</c> (a lower value is raised to it).
    /// </summary>
    public TimeSpan OutboxBacklogUnhealthyAge { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How far past its due time the most overdue run timer (<c>next_wake_at</c>: a retry back-off, an attempt deadline)
    /// may be before the timer check reports Degraded. A timer is normally woken within milliseconds, one nobody armed
    /// within <c>OrchestratorOptions.TimerPollInterval</c> (2 s). Default 15 s; never below twice that interval.
    /// </summary>
    public TimeSpan TimerLagDegradedAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How far past its due time the most overdue run timer may be before the timer check reports Unhealthy: timers are
    /// not being woken (no orchestrator polls, or its queue is far behind). Default 60 s; never below
    /// <see cref="TimerLagDegradedAfter"/> as raised.
    /// </summary>
    public TimeSpan TimerLagUnhealthyAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a background loop of this process (the run timer loop, the outbox sweeper) may go without completing a
    /// pass before the liveness check reports Unhealthy — it is stuck, and restarting the process is the cure. A pass
    /// that fails (the database is down) still counts as one. Must exceed the loops' intervals and the longest a single
    /// database call may take (connection and command timeouts). Default 2 min; never below the longest loop interval
    /// plus 1 min.
    /// </summary>
    public TimeSpan LoopStallTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long each check that queries the database may take before it reports Unhealthy (timed out). Kubernetes'
    /// default probe <c>timeoutSeconds</c> is 1 s: give the readiness probe more than this. Default 5 s.
    /// </summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A copy with each threshold raised to its floor — what the orchestrator's settings take by design: an outbox row
    /// whose fast path was lost waits <c>SweepAge</c> plus a sweep for the sweeper (and its delivery up to
    /// <c>DeliveryTimeout</c>); a timer nobody armed is found within <c>TimerPollInterval</c>; a loop waits its
    /// interval between passes.
    /// </summary>
    internal ResoluteHealthOptions WithFloors(TimeSpan outboxDegraded, TimeSpan outboxUnhealthy, TimeSpan timerLag, TimeSpan loopStall)
    {
        var copy = (ResoluteHealthOptions)MemberwiseClone();
        copy.OutboxBacklogDegradedAge = Max(OutboxBacklogDegradedAge, outboxDegraded);
        copy.OutboxBacklogUnhealthyAge = Max(OutboxBacklogUnhealthyAge, Max(outboxUnhealthy, copy.OutboxBacklogDegradedAge));
        copy.TimerLagDegradedAfter = Max(TimerLagDegradedAfter, timerLag);
        copy.TimerLagUnhealthyAfter = Max(TimerLagUnhealthyAfter, copy.TimerLagDegradedAfter);
        copy.LoopStallTimeout = Max(LoopStallTimeout, loopStall);
        return copy;

        static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    }

    /// <summary>Checks the values; throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is not positive, or a Degraded threshold exceeds its Unhealthy one.</exception>
    public void Validate()
    {
        Positive(OutboxBacklogDegradedAge, nameof(OutboxBacklogDegradedAge));
        Positive(OutboxBacklogUnhealthyAge, nameof(OutboxBacklogUnhealthyAge));
        Positive(TimerLagDegradedAfter, nameof(TimerLagDegradedAfter));
        Positive(TimerLagUnhealthyAfter, nameof(TimerLagUnhealthyAfter));
        Positive(LoopStallTimeout, nameof(LoopStallTimeout));
        Positive(CheckTimeout, nameof(CheckTimeout));
        NotAbove(OutboxBacklogDegradedAge, nameof(OutboxBacklogDegradedAge), OutboxBacklogUnhealthyAge, nameof(OutboxBacklogUnhealthyAge));
        NotAbove(TimerLagDegradedAfter, nameof(TimerLagDegradedAfter), TimerLagUnhealthyAfter, nameof(TimerLagUnhealthyAfter));

        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(name, value, $"ResoluteHealthOptions.{name} must be positive.");
            }
        }

        static void NotAbove(TimeSpan degraded, string degradedName, TimeSpan unhealthy, string unhealthyName)
        {
            if (degraded > unhealthy)
            {
                throw new ArgumentOutOfRangeException(degradedName, degraded,
                    $"ResoluteHealthOptions.{degradedName} ({degraded}) must not exceed {unhealthyName} ({unhealthy}).");
            }
        }
    }
}
