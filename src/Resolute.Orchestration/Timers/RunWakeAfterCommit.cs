using MassTransit;

namespace Resolute.Orchestration.Timers;

/// <summary>
/// The wake-up time one consume of the saga left on its run: a payload of the consume context, added by the endpoint's
/// arming filter (<see cref="RunWakeArmingExtensions.UseRunWakeArming"/>) and armed on the <see cref="RunWakeSchedule"/>
/// only after the saga's transaction committed — so that the timer loop, which only reads the database, never looks
/// for a row it cannot see yet.
/// </summary>
public sealed class RunWakeAfterCommit
{
    internal DateTimeOffset? DueAt { get; private set; }

    /// <summary>
    /// Notes the run's <c>NextWakeAt</c> after a decision (the last call wins, as the last state is what commits). Does
    /// nothing when <paramref name="dueAt"/> is null or the endpoint has no arming filter (the timer loop's poll still
    /// finds the run).
    /// </summary>
    /// <param name="context">The saga's consume context.</param>
    /// <param name="dueAt">The run's <c>NextWakeAt</c>.</param>
    public static void Note(PipeContext context, DateTimeOffset? dueAt)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.TryGetPayload<RunWakeAfterCommit>(out var pending))
        {
            pending.DueAt = dueAt;
        }
    }
}
