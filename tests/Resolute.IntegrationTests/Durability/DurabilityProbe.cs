using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Resolute.Client;
using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Resolute.IntegrationTests.Durability;

/// <summary>
/// What the durability scenarios share: reading run progress straight from the saga table (works for hundreds of runs,
/// and tolerates the database being down meanwhile), the node-execution ledger (<see cref="ExecutionLedger"/>), the
/// server control scripts of test.sh, and the checks on duplicates.
/// </summary>
internal static class DurabilityProbe
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Creates the execution ledger table in the cluster's database (idempotent).</summary>
    public static Task PrepareLedgerAsync(EngineCluster cluster) => ExecutionLedger.EnsureCreatedAsync(cluster.PostgresConnectionString);

    /// <summary>The ledger rows of <paramref name="runIds"/>.</summary>
    public static Task<IReadOnlyList<ExecutionRecord>> ReadLedgerAsync(EngineCluster cluster, IEnumerable<Guid> runIds) =>
        ExecutionLedger.ReadAsync(cluster.PostgresConnectionString, runIds);

    /// <summary>Polls the ledger until <paramref name="condition"/> holds on the rows of <paramref name="runIds"/>; fails at the deadline.</summary>
    public static async Task<IReadOnlyList<ExecutionRecord>> WaitForLedgerAsync(
        EngineCluster cluster, IReadOnlyCollection<Guid> runIds, Func<IReadOnlyList<ExecutionRecord>, bool> condition, string what, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<ExecutionRecord> last = [];
        while (true)
        {
            try
            {
                last = await ReadLedgerAsync(cluster, runIds);
                if (condition(last))
                {
                    return last;
                }
            }
            catch (NpgsqlException) when (clock.Elapsed < timeout)
            {
                // The database may be restarting.
            }

            if (clock.Elapsed > timeout)
            {
                throw new XunitException($"{what} did not happen within {timeout.TotalSeconds:0} s; the ledger holds {last.Count} execution(s).{Environment.NewLine}{cluster.DescribeProcesses()}");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary>
    /// Polls the saga table until every run of <paramref name="runIds"/> exists and has ended (database errors are
    /// tolerated until the deadline: a scenario may stop the database). Fails at the deadline with the runs' states.
    /// </summary>
    public static async Task WaitForRunsToEndAsync(EngineCluster cluster, IReadOnlyCollection<Guid> runIds, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        string last = "not read yet";
        while (true)
        {
            try
            {
                var states = await ReadRunStatesAsync(cluster, runIds);
                var ended = states.Values.Count(s => s.Ended);
                if (ended == runIds.Count)
                {
                    return;
                }

                last = $"{states.Count} of {runIds.Count} run(s) exist, {ended} ended; states: " +
                       string.Join(", ", states.Values.GroupBy(s => s.State).Select(g => $"{g.Key}={g.Count()}"));
            }
            catch (NpgsqlException e) when (clock.Elapsed < timeout)
            {
                last = $"database unavailable ({e.Message})";
            }

            if (clock.Elapsed > timeout)
            {
                throw new XunitException($"The runs did not all end within {timeout.TotalSeconds:0} s: {last}.{Environment.NewLine}{cluster.DescribeProcesses()}");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary>The saga rows of <paramref name="runIds"/>: state and whether the run ended.</summary>
    public static async Task<IReadOnlyDictionary<Guid, (string State, bool Ended)>> ReadRunStatesAsync(EngineCluster cluster, IEnumerable<Guid> runIds)
    {
        await using var source = NpgsqlDataSource.Create(cluster.PostgresConnectionString);
        await using var select = source.CreateCommand("select correlation_id, current_state, ended_at is not null from resolute_flow_runs where correlation_id = any($1)");
        select.Parameters.Add(new NpgsqlParameter { Value = runIds.ToArray() });
        await using var reader = await select.ExecuteReaderAsync();
        var states = new Dictionary<Guid, (string, bool)>();
        while (await reader.ReadAsync())
        {
            states[reader.GetGuid(0)] = (reader.GetString(1), reader.GetBoolean(2));
        }

        return states;
    }

    /// <summary>
    /// Every run through the client (once they ended), a few at a time. After a broker restart the client's bus may still be
    /// re-creating its response queue: a query that times out is asked again, within a deadline.
    /// </summary>
    public static async Task<IReadOnlyList<FlowRunDescription>> GetRunsAsync(EngineCluster cluster, IReadOnlyList<Guid> runIds)
    {
        var deadline = Stopwatch.StartNew();
        var runs = new FlowRunDescription[runIds.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, runIds.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            while (true)
            {
                try
                {
                    runs[i] = await cluster.Client.GetRunAsync(runIds[i], token) ?? throw new XunitException($"Run {runIds[i]} was not found.");
                    return;
                }
                catch (MassTransit.RequestTimeoutException) when (deadline.Elapsed < TimeSpan.FromSeconds(90))
                {
                    // Asked again: the reply had no queue to come back to.
                }
            }
        });
        return runs;
    }

    /// <summary>Starts <paramref name="count"/> runs at once; returns their ids in order.</summary>
    public static async Task<IReadOnlyList<Guid>> StartRunsAsync(EngineCluster cluster, string flowName, int count, Func<int, object> input) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => cluster.Client.StartAsync(flowName, input(i))));

    /// <summary>
    /// Asserts the chain runs completed with every node's output right (<c>step-k</c> = <c>Seed + k(k+1)/2</c>) and
    /// one completed execution per node in history, all attempt 1 (no attempt was recovered by a deadline).
    /// </summary>
    public static void AssertChainRunsComplete(IReadOnlyList<FlowRunDescription> runs, Func<int, long> seedOf)
    {
        for (var r = 0; r < runs.Count; r++)
        {
            var run = runs[r];
            Assert.True(run.Status == RunStatus.Completed, $"{run}; history: {EngineCluster.Describe(run.History)}");
            for (var k = 1; k <= ChainFlow.Length; k++)
            {
                var node = ChainFlow.NodeName(k);
                Assert.True(run.State.Has(node), $"{run}: the output of {node} is missing from FlowState.");
                Assert.Equal(ChainFlow.ExpectedValue(seedOf(r), k), run.State.Get<ChainValue>(node).Value);
                var execution = Assert.Single(run.History, e => e.NodeName == node);
                Assert.Equal(NodeExecutionOutcome.Completed, execution.Outcome);
                Assert.True(execution.Attempt == 1, $"{run}: {node} needed attempt {execution.Attempt}: {EngineCluster.Describe(run.History)}");
            }
        }
    }

    /// <summary>
    /// Counts executions per idempotency key and asserts: every expected key ran, no other key ran, none more than
    /// <paramref name="maxPerKey"/> times, and at least <paramref name="minExactlyOnce"/> of them exactly once. Writes
    /// the distribution to <paramref name="output"/> and returns it (executions → keys).
    /// </summary>
    public static IReadOnlyDictionary<int, int> AssertExecutionCounts(
        IReadOnlyList<ExecutionRecord> ledger, IReadOnlyCollection<string> expectedKeys, int maxPerKey, double minExactlyOnce, ITestOutputHelper output)
    {
        var perKey = ledger.GroupBy(e => e.IdempotencyKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var distribution = perKey.Values.GroupBy(v => v.Count).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ledger: {ledger.Count} execution(s) of {perKey.Count} key(s); executions per key: {string.Join(", ", distribution.Select(d => $"{d.Key}x={d.Value}"))}"));
        foreach (var (key, executions) in perKey.Where(p => p.Value.Count > 1))
        {
            output.WriteLine($"  ran {executions.Count}x: {key}: {string.Join("; ", executions.Select(e => $"attempt {e.Attempt} on {e.Worker} (pid {e.ProcessId}) at {e.RecordedAt:HH:mm:ss.fff}"))}");
        }

        var missing = expectedKeys.Where(k => !perKey.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} node(s) never ran: {string.Join(", ", missing.Take(10))}");
        var unexpected = perKey.Keys.Where(k => !expectedKeys.Contains(k)).ToList();
        Assert.True(unexpected.Count == 0, $"{unexpected.Count} execution key(s) belong to no expected node: {string.Join(", ", unexpected.Take(10))}");
        var tooMany = perKey.Where(p => p.Value.Count > maxPerKey).ToList();
        Assert.True(tooMany.Count == 0,
            $"{tooMany.Count} node(s) ran more than {maxPerKey} times: {string.Join("; ", tooMany.Take(10).Select(p => $"{p.Key} x{p.Value.Count}"))}");
        var once = perKey.Values.Count(v => v.Count == 1);
        Assert.True(once >= minExactlyOnce * expectedKeys.Count,
            string.Create(CultureInfo.InvariantCulture, $"Only {once} of {expectedKeys.Count} nodes ran exactly once (at least {minExactlyOnce:P0} expected)."));
        return distribution;
    }

    /// <summary>The idempotency keys of every node of every run.</summary>
    public static IReadOnlyCollection<string> KeysOf(IEnumerable<Guid> runIds, IReadOnlyList<string> nodeNames) =>
        runIds.SelectMany(r => nodeNames.Select(n => NodeContext.CreateIdempotencyKey(r, n))).ToHashSet(StringComparer.Ordinal);

    /// <summary>Runs <c>script verb</c> (a server control script of test.sh) and fails with its output when it fails.</summary>
    public static async Task ControlServerAsync(EngineCluster cluster, string script, string verb, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var info = new ProcessStartInfo(script) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(verb);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {script}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new XunitException($"{Path.GetFileName(script)} {verb} did not finish within {(timeout ?? TimeSpan.FromSeconds(120)).TotalSeconds:0} s.");
        }

        var text = $"{await stdout}{await stderr}".Trim();
        cluster.Log.Write("servers", string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(script)} {verb}: exit {process.ExitCode} after {clock.Elapsed.TotalSeconds:0.0} s{(text.Length == 0 ? "" : $": {text}")}"));
        if (process.ExitCode != 0)
        {
            throw new XunitException($"{script} {verb} failed with exit code {process.ExitCode}: {text}");
        }
    }
}
