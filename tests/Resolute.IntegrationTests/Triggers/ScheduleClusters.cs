using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Sdk;

namespace Resolute.IntegrationTests.Triggers;

/// <summary>A scheduled run as its row says.</summary>
/// <param name="Tick">The scheduled fire time its idempotency key names.</param>
/// <param name="RunId">The run.</param>
/// <param name="State">Its saga state.</param>
/// <param name="CreatedAt">When the run row was created.</param>
/// <param name="EndedAt">When it ended, if it has.</param>
public sealed record ScheduledRunRow(DateTimeOffset Tick, Guid RunId, string State, DateTimeOffset CreatedAt, DateTimeOffset? EndedAt);

/// <summary>
/// A cluster whose orchestrators run the schedule test flows: one worker on every queue, orchestrators started with
/// <see cref="ScheduleArguments"/> (changeable between restarts), schedule logging on, and cluster check-ins every second
/// so that a killed orchestrator is found dead within about two seconds.
/// </summary>
public abstract partial class ScheduleCluster : EngineCluster
{
    /// <summary>The schedule arguments of orchestrators started from now on (<c>--schedule FLOW=SPEC</c>, ...).</summary>
    public IReadOnlyList<string> ScheduleArguments { get; set; } = [];

    /// <inheritdoc />
    protected override IReadOnlyList<WorkerSpec> Workers { get; } = [new("w1", [])];

    /// <inheritdoc />
    protected override IReadOnlyList<string> OrchestratorArguments => ["--log-schedules", "--schedule-checkin", "1000", .. ScheduleArguments];

    /// <summary>The arguments that schedule <paramref name="flowName"/> with <paramref name="specification"/>.</summary>
    public static IReadOnlyList<string> Schedule(string flowName, string specification) => ["--schedule", $"{flowName}={specification}"];

    /// <summary>The scheduled runs of <paramref name="flowName"/>, by tick.</summary>
    public async Task<IReadOnlyList<ScheduledRunRow>> ScheduledRunsAsync(string flowName)
    {
        await using var database = NpgsqlDataSource.Create(PostgresConnectionString);
        await using var command = database.CreateCommand(
            "select idempotency_key, correlation_id, current_state, created_at, ended_at from resolute_flow_runs where flow_name = $1 and idempotency_key like 'schedule:%'");
        command.Parameters.AddWithValue(flowName);
        var rows = new List<ScheduledRunRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var key = reader.GetString(0);
            var tick = DateTimeOffset.Parse(key[$"schedule:{flowName}:".Length..], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            rows.Add(new ScheduledRunRow(
                tick,
                reader.GetGuid(1),
                reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return rows.OrderBy(r => r.Tick).ToList();
    }

    /// <summary>Polls the scheduled runs of <paramref name="flowName"/> until <paramref name="condition"/> holds.</summary>
    public async Task<IReadOnlyList<ScheduledRunRow>> WaitForScheduledRunsAsync(string flowName, Func<IReadOnlyList<ScheduledRunRow>, bool> condition, string what, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var runs = await ScheduledRunsAsync(flowName);
            if (condition(runs))
            {
                return runs;
            }

            if (clock.Elapsed > timeout)
            {
                throw new XunitException(
                    $"{what} did not happen within {timeout.TotalSeconds:0} s. Scheduled runs of {flowName}: {Describe(runs)}{Environment.NewLine}{DescribeProcesses()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>The ticks of <paramref name="flowName"/> the orchestrators logged as started, one entry per log line.</summary>
    public IReadOnlyList<DateTimeOffset> LoggedStartedTicks(string flowName) =>
        Log.LinesContaining($"Schedule of flow {flowName}: tick ")
            .Select(l => StartedTick().Match(l))
            .Where(m => m.Success)
            .Select(m => DateTimeOffset.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind))
            .ToList();

    /// <summary>The ticks of <paramref name="flowName"/> the orchestrators logged as skipped.</summary>
    public IReadOnlyList<DateTimeOffset> LoggedSkippedTicks(string flowName) =>
        Log.LinesContaining($"Schedule of flow {flowName}: tick ")
            .Select(l => SkippedTick().Match(l))
            .Where(m => m.Success)
            .Select(m => DateTimeOffset.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind))
            .ToList();

    /// <summary>One line per run: tick, state.</summary>
    public static string Describe(IEnumerable<ScheduledRunRow> runs) =>
        string.Join(", ", runs.Select(r => $"{r.Tick:HH:mm:ss.fff} {r.State}"));

    /// <summary>Waits until the wall clock reaches <paramref name="instant"/>: the scenario needs ticks to pass (none fire meanwhile).</summary>
    public static async Task WaitUntilAsync(DateTimeOffset instant)
    {
        var remaining = instant - DateTimeOffset.UtcNow;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }
    }

    [GeneratedRegex(@"tick (\S+) started run")]
    private static partial Regex StartedTick();

    [GeneratedRegex(@"tick (\S+) skipped")]
    private static partial Regex SkippedTick();
}

/// <summary>
/// Every second, fired by two orchestrator replicas (the scenario starts the second). Overlap allowed: a run slower than a
/// second on a loaded machine must not make the overlap policy skip a tick this cluster counts.
/// </summary>
public sealed class EverySecondScheduleCluster : ScheduleCluster
{
    /// <summary>Schedules the quick flow every second.</summary>
    public EverySecondScheduleCluster() => ScheduleArguments = Schedule(ScheduleFlows.TickName, "* * * * * *;overlap=Allow");
}

/// <summary>
/// Every two seconds, with a one-second misfire threshold and the default misfire policy. Overlap is allowed: the run
/// in flight when the orchestrator is killed is still running when it comes back, and the default overlap policy would
/// (rightly) skip the catch-up tick behind it — this cluster tests the misfire policy alone.
/// </summary>
public sealed class MisfireScheduleCluster : ScheduleCluster
{
    /// <summary>Schedules the quick flow every two seconds.</summary>
    public MisfireScheduleCluster() => ScheduleArguments = Schedule(ScheduleFlows.TickName, "*/2 * * * * *;threshold=1000;overlap=Allow");
}

/// <summary>The slow flow (3.5 s runs) every second, default overlap policy (Skip).</summary>
public sealed class OverlapScheduleCluster : ScheduleCluster
{
    /// <summary>Schedules the slow flow every second.</summary>
    public OverlapScheduleCluster() => ScheduleArguments = Schedule(ScheduleFlows.SlowName, "* * * * * *");
}

/// <summary>The quick flow on even seconds; the scenario changes and removes the schedule across restarts.</summary>
public sealed class ChangingScheduleCluster : ScheduleCluster
{
    /// <summary>Schedules the quick flow on even seconds.</summary>
    public ChangingScheduleCluster() => ScheduleArguments = Schedule(ScheduleFlows.TickName, "0/2 * * * * *");
}
