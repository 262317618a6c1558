using System.Globalization;
using Resolute.Contracts;

namespace Resolute.Orchestration.Schedules;

/// <summary>
/// The identity of a scheduled run: idempotency key <c>schedule:{flow}:{scheduled fire time, UTC, round-trip format}</c>
/// and the run id derived from it. Every replica derives the same id for the same tick, so a tick fired twice starts
/// one run (the saga ignores a second <c>StartFlow</c> with the same run id).
/// </summary>
public static class ScheduledRuns
{
    /// <summary>Who a scheduled run is recorded as requested by.</summary>
    public const string RequestedBy = "schedule";

    /// <summary>The prefix of every scheduled run's idempotency key of <paramref name="flowName"/>.</summary>
    public static string KeyPrefix(string flowName)
    {
        ArgumentNullException.ThrowIfNull(flowName);
        return $"schedule:{flowName}:";
    }

    /// <summary>The idempotency key of the tick of <paramref name="flowName"/> scheduled for <paramref name="scheduledFireTime"/>.</summary>
    public static string IdempotencyKey(string flowName, DateTimeOffset scheduledFireTime) =>
        KeyPrefix(flowName) + scheduledFireTime.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>The run id of that tick (<see cref="RunIds.FromIdempotencyKey"/> of the key).</summary>
    public static Guid RunId(string flowName, DateTimeOffset scheduledFireTime) =>
        RunIds.FromIdempotencyKey(flowName, IdempotencyKey(flowName, scheduledFireTime));

    /// <summary>The <see cref="StartFlow"/> of that tick.</summary>
    public static StartFlow Start(string flowName, DateTimeOffset scheduledFireTime, DateTimeOffset now) => new()
    {
        RunId = RunId(flowName, scheduledFireTime),
        FlowName = flowName,
        IdempotencyKey = IdempotencyKey(flowName, scheduledFireTime),
        RequestedAt = now,
        RequestedBy = RequestedBy,
    };
}
