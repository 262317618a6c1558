using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Resolute.Client;
using Resolute.IntegrationTests.Durability;
using Resolute.TestFlows;

namespace Resolute.Soak;

/// <summary>A fault as it happened: planned, begun and finished (the process or server back).</summary>
/// <param name="Fault">The planned fault.</param>
/// <param name="BegunAt">When it began, counted from the first run's start.</param>
/// <param name="FinishedAt">When the process or server was back.</param>
/// <param name="BegunAtUtc">When it began, on the wall clock, to compare with the runs' end times.</param>
/// <param name="FinishedAtUtc">When it finished, on the wall clock.</param>
public sealed record InjectedFault(SoakFault Fault, TimeSpan BegunAt, TimeSpan FinishedAt, DateTimeOffset BegunAtUtc, DateTimeOffset FinishedAtUtc);

/// <summary>
/// The soak engine: on a started <see cref="SoakCluster"/>, starts the plan's runs at their moments while it injects the
/// plan's faults (<c>kill -9</c> of orchestrators and workers, a RabbitMQ restart, a PostgreSQL outage), waits until every
/// run ended (or the drain timeout passed), and checks the outcome from the database, the run-ended events and the
/// execution ledger (<see cref="SoakReport"/>). <c>infra/scripts/soak.sh</c> and the CI test <c>SoakScenario</c> run this.
/// </summary>
/// <param name="cluster">The started cluster.</param>
/// <param name="plan">The runs and faults.</param>
/// <param name="say">Where progress lines go.</param>
public sealed class SoakRunner(SoakCluster cluster, SoakPlan plan, Action<string> say)
{
    private static readonly TimeSpan StartAttemptTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private readonly TaskCompletionSource[] _faultBegun = plan.Faults.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
    private int _startRetries;

    /// <summary>Runs the soak and returns its figures.</summary>
    public async Task<SoakReport> RunAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(say);
        var wall = Stopwatch.StartNew();
        await DurabilityProbe.PrepareLedgerAsync(cluster).ConfigureAwait(false);
        var journal = await RunEndJournal.ConnectAsync(cluster.Bus, cancellationToken).ConfigureAwait(false);

        var clock = Stopwatch.StartNew();
        var starts = StartRunsAsync(clock, cancellationToken);
        var faults = InjectFaultsAsync(clock, cancellationToken);
        await Task.WhenAll(starts, faults).ConfigureAwait(false);
        say(Line($"{clock.Elapsed.TotalSeconds:0.0}s all {plan.Runs.Count} runs started ({_startRetries} start(s) retried) and {plan.Faults.Count} faults injected; draining"));

        var runIds = plan.Runs.Select(r => r.RunId).ToList();
        var states = await DrainAsync(runIds, clock, cancellationToken).ConfigureAwait(false);
        say(Line($"{clock.Elapsed.TotalSeconds:0.0}s {states.Values.Count(s => s.Ended)} of {plan.Runs.Count} runs ended; reading runs, events and the ledger"));

        var runs = await ReadRunsAsync(plan.Runs.Where(r => states.ContainsKey(r.RunId)).ToList(), cancellationToken).ConfigureAwait(false);
        var ledger = await DurabilityProbe.ReadLedgerAsync(cluster, runIds).ConfigureAwait(false);
        var faulted = await cluster.GetFaultedMessagesAsync().ConfigureAwait(false);
        return SoakReport.Evaluate(plan, faults.Result, states, runs, journal.Events, ledger, faulted, _startRetries, wall.Elapsed);
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Starts each run at its moment, but never before every fault planned earlier has begun: when restarts are slow and
    /// the faults fall behind their schedule, the runs wait for them, so runs and faults interleave as the seed planned on
    /// any machine (and the last faults still find runs in flight).
    /// </summary>
    private async Task StartRunsAsync(Stopwatch clock, CancellationToken cancellationToken)
    {
        var starting = new List<Task>(plan.Runs.Count);
        var faultsBefore = 0;
        foreach (var run in plan.Runs)
        {
            var wait = run.At - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                // Pacing, not synchronisation: the plan says when each run starts.
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            while (faultsBefore < plan.Faults.Count && plan.Faults[faultsBefore].At <= run.At)
            {
                await _faultBegun[faultsBefore].Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                faultsBefore++;
            }

            starting.Add(StartAsync(run, cancellationToken));
        }

        await Task.WhenAll(starting).ConfigureAwait(false);
    }

    /// <summary>Starts one run, retrying while the broker is away: the idempotency key makes a repeated start name the same run.</summary>
    private async Task StartAsync(SoakRun run, CancellationToken cancellationToken)
    {
        var patience = Stopwatch.StartNew();
        var options = new StartFlowOptions { IdempotencyKey = run.IdempotencyKey, RequestedBy = "soak" };
        Guid runId;
        while (true)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(StartAttemptTimeout);
            try
            {
                runId = await cluster.Client.StartAsync(SoakFlow.Name, run.Order, options, attempt.Token).ConfigureAwait(false);
                break;
            }
#pragma warning disable CA1031 // Whatever a start throws while the broker restarts, it is tried again until the drain timeout.
            catch (Exception) when (!cancellationToken.IsCancellationRequested && patience.Elapsed < plan.Options.DrainTimeout)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _startRetries);
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }
        }

        if (runId != run.RunId)
        {
            throw new InvalidOperationException($"The start of soak run {run.Order.Index} named run {runId}, not {run.RunId} (derived from its idempotency key).");
        }
    }

    private async Task<IReadOnlyList<InjectedFault>> InjectFaultsAsync(Stopwatch clock, CancellationToken cancellationToken)
    {
        try
        {
            return await InjectFaultsInOrderAsync(clock, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The runs waiting for a fault that will never begin stop waiting with the same error.
            foreach (var begun in _faultBegun)
            {
                begun.TrySetException(e);
            }

            throw;
        }
    }

    private async Task<IReadOnlyList<InjectedFault>> InjectFaultsInOrderAsync(Stopwatch clock, CancellationToken cancellationToken)
    {
        var injected = new List<InjectedFault>(plan.Faults.Count);
        for (var i = 0; i < plan.Faults.Count; i++)
        {
            var fault = plan.Faults[i];
            var wait = fault.At - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                // The schedule's moment (drawn from the seed), not a wait for a condition.
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            var begun = clock.Elapsed;
            var begunAtUtc = DateTimeOffset.UtcNow;
            say(Line($"{begun.TotalSeconds:0.0}s fault: {fault}"));
            _faultBegun[i].TrySetResult();
            await InjectAsync(fault, cancellationToken).ConfigureAwait(false);
            injected.Add(new InjectedFault(fault, begun, clock.Elapsed, begunAtUtc, DateTimeOffset.UtcNow));
            say(Line($"{clock.Elapsed.TotalSeconds:0.0}s   back after {(clock.Elapsed - begun).TotalSeconds:0.0}s"));
        }

        return injected;
    }

    private async Task InjectAsync(SoakFault fault, CancellationToken cancellationToken)
    {
        switch (fault.Kind)
        {
            case SoakFaultKind.KillOrchestrator:
                cluster.KillProcess(fault.Target);
                await Task.Delay(fault.Outage, cancellationToken).ConfigureAwait(false);
                await cluster.RestartOrchestratorAsync(fault.Target).ConfigureAwait(false);
                break;
            case SoakFaultKind.KillWorker:
                cluster.KillProcess(fault.Target);
                await Task.Delay(fault.Outage, cancellationToken).ConfigureAwait(false);
                await cluster.RestartWorkerAsync(fault.Target).ConfigureAwait(false);
                break;
            case SoakFaultKind.RestartRabbitMq:
                try
                {
                    await DurabilityProbe.ControlServerAsync(cluster, cluster.Servers.RabbitMqCtl, "stop").ConfigureAwait(false);
                }
                finally
                {
                    await DurabilityProbe.ControlServerAsync(cluster, cluster.Servers.RabbitMqCtl, "start").ConfigureAwait(false);
                }

                break;
            case SoakFaultKind.StopPostgres:
                try
                {
                    await DurabilityProbe.ControlServerAsync(cluster, cluster.Servers.PostgresCtl, "stop").ConfigureAwait(false);
                    // The outage itself: the database is simply away for the planned while.
                    await Task.Delay(fault.Outage, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await DurabilityProbe.ControlServerAsync(cluster, cluster.Servers.PostgresCtl, "start").ConfigureAwait(false);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault.Kind, "Unknown fault.");
        }
    }

    /// <summary>Polls the saga table until every run ended or the drain timeout passed; database errors are tolerated meanwhile.</summary>
    private async Task<IReadOnlyDictionary<Guid, (string State, bool Ended)>> DrainAsync(List<Guid> runIds, Stopwatch clock, CancellationToken cancellationToken)
    {
        var drain = Stopwatch.StartNew();
        IReadOnlyDictionary<Guid, (string State, bool Ended)> states = new Dictionary<Guid, (string, bool)>();
        var reported = TimeSpan.Zero;
        while (true)
        {
            try
            {
                states = await DurabilityProbe.ReadRunStatesAsync(cluster, runIds).ConfigureAwait(false);
            }
            catch (NpgsqlException e)
            {
                say($"database unavailable while draining: {e.Message}");
            }

            var ended = states.Values.Count(s => s.Ended);
            if (ended == runIds.Count || drain.Elapsed > plan.Options.DrainTimeout)
            {
                return states;
            }

            if (drain.Elapsed - reported >= TimeSpan.FromSeconds(15))
            {
                reported = drain.Elapsed;
                say(Line($"{clock.Elapsed.TotalSeconds:0.0}s draining: {ended} of {runIds.Count} ended; open: {string.Join(", ", states.Values.Where(s => !s.Ended).GroupBy(s => s.State).Select(g => $"{g.Key}={g.Count()}"))}"));
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyDictionary<Guid, FlowRunDescription>> ReadRunsAsync(IReadOnlyList<SoakRun> existing, CancellationToken cancellationToken)
    {
        var runs = new System.Collections.Concurrent.ConcurrentDictionary<Guid, FlowRunDescription>();
        await Parallel.ForEachAsync(existing, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (run, token) =>
        {
            if (await cluster.Client.GetRunAsync(run.RunId, token).ConfigureAwait(false) is { } description)
            {
                runs[run.RunId] = description;
            }
        }).ConfigureAwait(false);
        return runs;
    }
}
