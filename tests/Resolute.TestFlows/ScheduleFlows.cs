using System.Globalization;

namespace Resolute.TestFlows;

/// <summary>
/// Flows of the schedule scenarios. In the catalog they are triggered manually, so that no other scenario's orchestrator
/// fires them; the test host's <c>--schedule FLOW=CRON[;option=value...]</c> registers them with a schedule instead (the
/// flow version does not depend on triggers, so workers holding the manual definition run their nodes).
/// </summary>
public static class ScheduleFlows
{
    /// <summary>A flow with one quick node.</summary>
    public const string TickName = "schedule-tick";

    /// <summary>A flow whose one node sleeps <see cref="SlowNodeDuration"/>: its runs outlast a one-second tick.</summary>
    public const string SlowName = "schedule-slow";

    /// <summary>How long the node of <see cref="SlowName"/> sleeps.</summary>
    public static readonly TimeSpan SlowNodeDuration = TimeSpan.FromSeconds(3.5);

    /// <summary>The flows as the catalog holds them (manual trigger).</summary>
    public static IReadOnlyList<Flow> All { get; } = [Build(TickName, Trigger.Manual("test")), Build(SlowName, Trigger.Manual("test"))];

    /// <summary>
    /// The flow <paramref name="name"/> triggered by the schedule <paramref name="specification"/>:
    /// <c>CRON[;overlap=Skip|Allow|BufferOne][;misfire=FireOnceOnRecovery|Skip][;threshold=MILLISECONDS]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown flow or option.</exception>
    public static Flow WithSchedule(string name, string specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var parts = specification.Split(';', StringSplitOptions.TrimEntries);
        var trigger = Trigger.Schedule(parts[0]);
        foreach (var option in parts.Skip(1))
        {
            var (key, value) = option.Split('=', 2) is [var k, var v] ? (k, v) : throw new ArgumentException($"Schedule option '{option}' is not key=value.");
            trigger = key switch
            {
                "overlap" => trigger.WithOverlap(Enum.Parse<ScheduleOverlap>(value, ignoreCase: true)),
                "misfire" => trigger.WithMisfire(Enum.Parse<ScheduleMisfire>(value, ignoreCase: true)),
                "threshold" => trigger.WithMisfireThreshold(TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture))),
                _ => throw new ArgumentException($"Unknown schedule option '{key}' (overlap, misfire, threshold)."),
            };
        }

        return Build(name, trigger);
    }

    private static Flow Build(string name, Trigger trigger) => name switch
    {
        TickName => Flow.Create(TickName)
            .TriggeredBy(trigger)
            .Then(Node.Create<ScheduledTickInput, ScheduledTickResult>("tick", (ScheduledTickInput _, NodeContext context) =>
                Task.FromResult(new ScheduledTickResult(context.RunId))).WithInput(_ => new ScheduledTickInput()))
            .Build(),
        SlowName => Flow.Create(SlowName)
            .TriggeredBy(trigger)
            .Then(Node.Create<ScheduledTickInput, ScheduledTickResult>("slow", async (ScheduledTickInput _, NodeContext context) =>
            {
                await Task.Delay(SlowNodeDuration, context.CancellationToken).ConfigureAwait(false);
                return new ScheduledTickResult(context.RunId);
            }).WithInput(_ => new ScheduledTickInput()))
            .Build(),
        _ => throw new ArgumentException($"No schedule test flow '{name}' ({TickName}, {SlowName})."),
    };
}

/// <summary>The (empty) input of a scheduled test run.</summary>
public sealed record ScheduledTickInput;

/// <summary>What a scheduled test node returns: its run id.</summary>
/// <param name="RunId">The run.</param>
public sealed record ScheduledTickResult(Guid RunId);
