using System.Diagnostics;
using System.Globalization;
using Resolute.Client;
using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit;
using Xunit.Sdk;

namespace Resolute.IntegrationTests.Failures;

/// <summary>A probe line a scripted node printed (see <see cref="ScriptedNodes"/>), with the process that printed it.</summary>
/// <param name="Process">The cluster process (worker id) whose stdout held the line.</param>
/// <param name="Node">The node.</param>
/// <param name="Attempt">The attempt.</param>
/// <param name="What"><c>started</c>, <c>token-fired</c> or <c>received</c>.</param>
/// <param name="Detail">The rest of the line (what a compensation received).</param>
public sealed record Probe(string Process, string Node, int Attempt, string What, string Detail);

/// <summary>Helpers of the failure scenarios: probes from the process log, history and error assertions.</summary>
public static class FailureProbes
{
    /// <summary>The probe lines of <paramref name="runId"/> printed so far, oldest first.</summary>
    public static IReadOnlyList<Probe> Probes(this EngineCluster cluster, Guid runId)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var marker = $"{ScriptedNodes.ProbePrefix} {runId:N} ";
        var probes = new List<Probe>();
        foreach (var line in cluster.Log.Tail(int.MaxValue).Split('\n'))
        {
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            // "   1.234s [w1] FAILURE-PROBE {run} {node} #{attempt} {what} {detail}"
            var open = line.IndexOf('[', StringComparison.Ordinal);
            var close = line.IndexOf(']', open + 1);
            var process = line[(open + 1)..close];
            var parts = line[(at + marker.Length)..].TrimEnd('\r').Split(' ', 4);
            probes.Add(new Probe(process, parts[0], int.Parse(parts[1].TrimStart('#'), CultureInfo.InvariantCulture), parts[2], parts.Length > 3 ? parts[3] : string.Empty));
        }

        return probes;
    }

    /// <summary>Polls the log until a probe matching <paramref name="match"/> appeared; fails at the deadline.</summary>
    public static async Task<Probe> WaitForProbeAsync(this EngineCluster cluster, Guid runId, Func<Probe, bool> match, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(match);
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        while (true)
        {
            var found = cluster.Probes(runId).FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            if (clock.Elapsed > limit)
            {
                throw new XunitException($"Run {runId}: {what} was not printed within {limit.TotalSeconds:0} s.{Environment.NewLine}{cluster.DescribeProcesses()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20)).ConfigureAwait(false);
        }
    }

    /// <summary>The run input: each node of <paramref name="nodes"/> with its script.</summary>
    public static FailureScript Script(string id, params (string Node, NodeScript Script)[] nodes) =>
        new(id, nodes.ToDictionary(n => n.Node, n => n.Script, StringComparer.Ordinal));

    /// <summary>The attempts of <paramref name="node"/> (forward or compensation), in attempt order.</summary>
    public static IReadOnlyList<NodeExecutionRecord> Attempts(this FlowRunDescription run, string node)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.History.Where(e => e.NodeName == node).OrderBy(e => e.Attempt).ToList();
    }

    /// <summary>The single execution of <paramref name="node"/>, which must have <paramref name="outcome"/>.</summary>
    public static NodeExecutionRecord Once(this FlowRunDescription run, string node, NodeExecutionOutcome outcome)
    {
        var attempts = run.Attempts(node);
        Assert.True(attempts.Count == 1, $"{node} should have run exactly once; history:{Environment.NewLine}{Timeline(run)}");
        Assert.True(attempts[0].Outcome == outcome, $"{node} should be {outcome}; history:{Environment.NewLine}{Timeline(run)}");
        return attempts[0];
    }

    /// <summary>Asserts the run ended with <paramref name="status"/>, showing history on failure.</summary>
    public static void AssertStatus(this FlowRunDescription run, RunStatus status)
    {
        ArgumentNullException.ThrowIfNull(run);
        Assert.True(run.Status == status, $"Expected {status}, got {run}; compensation errors: [{string.Join("; ", run.Snapshot.CompensationErrors)}]; history: {Timeline(run)}");
    }

    /// <summary>The run's history with every time, relative to the run's creation, for test output and failure messages.</summary>
    public static string Timeline(FlowRunDescription run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var zero = run.Snapshot.CreatedAt;
        string At(DateTimeOffset? t) => t is null ? "-" : ((t.Value - zero).TotalSeconds).ToString("0.000", CultureInfo.InvariantCulture);
        return string.Join(Environment.NewLine, run.History.Select(e =>
            $"  {e.NodeName}#{e.Attempt}{(e.IsCompensation ? " (compensation)" : "")} {e.Outcome} on {e.WorkerId ?? "-"}: dispatched {At(e.DispatchedAt)} started {At(e.StartedAt)} ended {At(e.EndedAt)}" +
            (e.Error is null ? "" : $" {e.Error.Type}: {e.Error.Message}")));
    }

    /// <summary>Asserts every field of a run error caused by a scripted exception thrown by a node.</summary>
    public static void AssertThrown(RunError? error, string flow, string step, string node, int attempt, string exceptionType, string message)
    {
        Assert.NotNull(error);
        Assert.Equal(flow, error.FlowName);
        Assert.Equal(step, error.StepName);
        Assert.Equal(node, error.NodeName);
        Assert.Equal(attempt, error.Attempt);
        AssertThrown(error.Error, exceptionType, message);
    }

    /// <summary>Asserts an execution error caused by a scripted exception: type, message, and a stack through the scripted node.</summary>
    public static void AssertThrown(ErrorInfo? error, string exceptionType, string message)
    {
        Assert.NotNull(error);
        Assert.Equal(exceptionType, error.Type);
        Assert.Equal(message, error.Message);
        Assert.False(string.IsNullOrWhiteSpace(error.StackTrace), "a thrown exception must come with its stack trace");
        Assert.Contains(nameof(ScriptedNodes), error.StackTrace, StringComparison.Ordinal);
    }

    /// <summary>Seconds from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static double Seconds(DateTimeOffset? from, DateTimeOffset? to)
    {
        Assert.NotNull(from);
        Assert.NotNull(to);
        return (to.Value - from.Value).TotalSeconds;
    }

    /// <summary>Asserts <paramref name="actual"/> seconds lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static void AssertBetween(double actual, double min, double max, string what) =>
        Assert.True(actual >= min && actual <= max, string.Create(CultureInfo.InvariantCulture, $"{what}: {actual:0.000} s, expected {min:0.###}..{max:0.###} s"));
}
