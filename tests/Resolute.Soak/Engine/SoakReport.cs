using System.Globalization;
using System.Text;
using Resolute.Client;
using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;

namespace Resolute.Soak;

/// <summary>A run that broke a rule of the soak, with what the engine recorded of it.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Index">Its index in the soak (its input is drawn from the seed by index).</param>
/// <param name="Path">Its input's path.</param>
/// <param name="What">What is wrong.</param>
/// <param name="History">Its status and history as the engine reports them (or the saga row's state).</param>
public sealed record SoakProblem(Guid RunId, int Index, SoakPath Path, string What, string History);

/// <summary>How many groups of executions (per idempotency key, or per key and attempt) ran once, twice, three times or more.</summary>
/// <param name="Once">Groups executed exactly once.</param>
/// <param name="Twice">Groups executed twice.</param>
/// <param name="ThreeOrMore">Groups executed three times or more.</param>
/// <param name="Most">The most executions of one group.</param>
public sealed record ExecutionHistogram(int Once, int Twice, int ThreeOrMore, int Most)
{
    /// <summary>
    /// Counts executions per idempotency key of <paramref name="ledger"/>. The key is stable across the attempts of a node,
    /// so a flaky node's scripted retries count here too.
    /// </summary>
    public static ExecutionHistogram PerKey(IEnumerable<ExecutionRecord> ledger) => Of(ledger.GroupBy(e => e.IdempotencyKey, StringComparer.Ordinal).Select(g => g.Count()));

    /// <summary>
    /// Counts executions per idempotency key and attempt: one dispatched attempt run more than once is a duplicate delivery
    /// (at-least-once after a kill), not a retry.
    /// </summary>
    public static ExecutionHistogram PerAttempt(IEnumerable<ExecutionRecord> ledger) => Of(ledger.GroupBy(e => (e.IdempotencyKey, e.Attempt)).Select(g => g.Count()));

    private static ExecutionHistogram Of(IEnumerable<int> counts)
    {
        var perGroup = counts.ToList();
        return new ExecutionHistogram(perGroup.Count(c => c == 1), perGroup.Count(c => c == 2), perGroup.Count(c => c >= 3), perGroup.DefaultIfEmpty(0).Max());
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"1x {Once}, 2x {Twice}, 3+x {ThreeOrMore} (most {Most})");
}

/// <summary>
/// The outcome of a soak, checked from the saga table, the run-ended events, the run histories and the execution ledger.
/// Must be zero: <see cref="Lost"/>, <see cref="EndedTwice"/>, <see cref="WrongStatus"/>, <see cref="CompensationsRunTwice"/>.
/// Reported (at-least-once allows them): executions per idempotency key, redelivered end events and commands.
/// </summary>
public sealed class SoakReport
{
    private SoakReport()
    {
    }

    /// <summary>The plan's seed.</summary>
    public int Seed { get; private init; }

    /// <summary>How many runs were started.</summary>
    public int Runs { get; private init; }

    /// <summary>Runs that never ended (or never existed) by the drain timeout. Must be empty.</summary>
    public IReadOnlyList<SoakProblem> Lost { get; private init; } = [];

    /// <summary>Runs announced ended by two different messages. Must be empty.</summary>
    public IReadOnlyList<SoakProblem> EndedTwice { get; private init; } = [];

    /// <summary>Runs that ended other than their input says (status, failed node, compensations, outputs). Must be empty.</summary>
    public IReadOnlyList<SoakProblem> WrongStatus { get; private init; } = [];

    /// <summary>
    /// Compensations dispatched more than once for one run (two completions in history, or two attempts in the ledger with
    /// no failed attempt in history to explain the second). Must be empty.
    /// </summary>
    public IReadOnlyList<SoakProblem> CompensationsRunTwice { get; private init; } = [];

    /// <summary>Final statuses, counted.</summary>
    public IReadOnlyDictionary<RunStatus, int> Statuses { get; private init; } = new Dictionary<RunStatus, int>();

    /// <summary>Executions per idempotency key, every node and compensation (scripted retries included).</summary>
    public ExecutionHistogram Executions { get; private init; } = new(0, 0, 0, 0);

    /// <summary>Executions per idempotency key and attempt: more than one = the same attempt delivered and run again.</summary>
    public ExecutionHistogram ExecutionsPerAttempt { get; private init; } = new(0, 0, 0, 0);

    /// <summary>Executions per idempotency key of the compensations alone.</summary>
    public ExecutionHistogram CompensationExecutions { get; private init; } = new(0, 0, 0, 0);

    /// <summary>Node executions recorded in the ledger.</summary>
    public int LedgerRows { get; private init; }

    /// <summary>Copies of an end event received again (same MessageId): redeliveries, allowed.</summary>
    public int EndEventsRedelivered { get; private init; }

    /// <summary>Ended runs whose end event never arrived.</summary>
    public int RunsWithoutEndEvent { get; private init; }

    /// <summary>Messages in the virtual host's error and skipped queues.</summary>
    public IReadOnlyDictionary<string, uint> FaultedMessages { get; private init; } = new Dictionary<string, uint>();

    /// <summary>Starts published again because an attempt failed or timed out (RabbitMQ away).</summary>
    public int StartRetries { get; private init; }

    /// <summary>The faults as they happened.</summary>
    public IReadOnlyList<InjectedFault> Faults { get; private init; } = [];

    /// <summary>
    /// From the end of the last fault to the last run's end; null when no run ended. Negative when every run had ended
    /// before the last fault finished (faults run late when restarts are slow on a loaded machine).
    /// </summary>
    public TimeSpan? Drain { get; private init; }

    /// <summary>Faults that began after the last run had ended: they found nothing in flight.</summary>
    public int FaultsAfterTheLastRun { get; private init; }

    /// <summary>The whole soak, from the ledger's creation to the last check.</summary>
    public TimeSpan WallTime { get; private init; }

    /// <summary>True when every must-be-zero figure is zero.</summary>
    public bool Passed => Lost.Count == 0 && EndedTwice.Count == 0 && WrongStatus.Count == 0 && CompensationsRunTwice.Count == 0;

    /// <summary>Checks the soak's outcome.</summary>
    /// <param name="plan">What was started and injected.</param>
    /// <param name="faults">The faults as they happened.</param>
    /// <param name="states">The saga rows (state, ended) by run id.</param>
    /// <param name="runs">The ended runs as the client reports them (status, error, state, history).</param>
    /// <param name="endEvents">The run-ended events received.</param>
    /// <param name="ledger">The node executions the workers recorded.</param>
    /// <param name="faultedMessages">The error and skipped queues holding messages.</param>
    /// <param name="startRetries">Starts published again.</param>
    /// <param name="wallTime">How long the soak took.</param>
    public static SoakReport Evaluate(
        SoakPlan plan,
        IReadOnlyList<InjectedFault> faults,
        IReadOnlyDictionary<Guid, (string State, bool Ended)> states,
        IReadOnlyDictionary<Guid, FlowRunDescription> runs,
        IReadOnlyList<RunEndedEvent> endEvents,
        IReadOnlyList<ExecutionRecord> ledger,
        IReadOnlyDictionary<string, uint> faultedMessages,
        int startRetries,
        TimeSpan wallTime)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(faults);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(endEvents);
        ArgumentNullException.ThrowIfNull(ledger);
        var lost = new List<SoakProblem>();
        var endedTwice = new List<SoakProblem>();
        var wrong = new List<SoakProblem>();
        var compensatedTwice = new List<SoakProblem>();
        var eventsByRun = endEvents.GroupBy(e => e.RunId).ToDictionary(g => g.Key, g => g.ToList());
        var ledgerByKey = ledger.GroupBy(e => e.IdempotencyKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var redelivered = 0;
        var withoutEvent = 0;

        foreach (var planned in plan.Runs)
        {
            var order = planned.Order;
            SoakProblem Problem(string what, FlowRunDescription? run) => new(planned.RunId, order.Index, order.Path, what, Describe(run, states, planned.RunId));
            if (!runs.TryGetValue(planned.RunId, out var run) || !run.HasEnded)
            {
                lost.Add(Problem(states.ContainsKey(planned.RunId) ? "did not end" : "never created", run));
                continue;
            }

            var events = eventsByRun.GetValueOrDefault(planned.RunId) ?? [];
            var messages = events.Select(e => e.MessageId).Distinct().Count();
            redelivered += events.Count - messages;
            if (events.Count == 0)
            {
                withoutEvent++;
            }

            if (messages > 1)
            {
                endedTwice.Add(Problem($"ended by {messages} different messages: {string.Join(", ", events.Select(e => $"{e.Status} ({e.MessageId})"))}", run));
            }
            else if (events.Count > 0 && events[0].Status != run.Status)
            {
                wrong.Add(Problem($"announced {events[0].Status} but its row says {run.Status}", run));
            }

            var reasons = WhatIsWrong(planned, run, ledgerByKey);
            if (reasons.Count > 0)
            {
                wrong.Add(Problem(string.Join("; ", reasons), run));
            }

            foreach (var compensation in SoakFlow.Compensations)
            {
                var history = run.History.Where(e => e.IsCompensation && e.NodeName == compensation).ToList();
                var completions = history.Count(e => e.Outcome == NodeExecutionOutcome.Completed);
                var attempts = ledgerByKey.GetValueOrDefault(NodeContext.CreateIdempotencyKey(planned.RunId, compensation))?.Select(e => e.Attempt).Distinct().Count() ?? 0;
                var explained = history.Any(e => e.Outcome is NodeExecutionOutcome.Failed or NodeExecutionOutcome.Abandoned);
                if (completions > 1 || (attempts > 1 && !explained))
                {
                    compensatedTwice.Add(Problem($"{compensation}: {completions} completion(s) in history, {attempts} attempt(s) executed", run));
                }
            }
        }

        var compensationKeys = plan.Runs.SelectMany(r => SoakFlow.Compensations.Select(c => NodeContext.CreateIdempotencyKey(r.RunId, c))).ToHashSet(StringComparer.Ordinal);
        var lastEnd = runs.Values.Select(r => r.Snapshot.EndedAt).Max();
        var lastFault = faults.Count == 0 ? (DateTimeOffset?)null : faults.Max(f => f.FinishedAtUtc);
        return new SoakReport
        {
            Seed = plan.Options.Seed,
            Runs = plan.Runs.Count,
            Lost = lost,
            EndedTwice = endedTwice,
            WrongStatus = wrong,
            CompensationsRunTwice = compensatedTwice,
            Statuses = runs.Values.GroupBy(r => r.Status).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            Executions = ExecutionHistogram.PerKey(ledger),
            ExecutionsPerAttempt = ExecutionHistogram.PerAttempt(ledger),
            CompensationExecutions = ExecutionHistogram.PerKey(ledger.Where(e => compensationKeys.Contains(e.IdempotencyKey))),
            LedgerRows = ledger.Count,
            EndEventsRedelivered = redelivered,
            RunsWithoutEndEvent = withoutEvent,
            FaultedMessages = faultedMessages ?? new Dictionary<string, uint>(),
            StartRetries = startRetries,
            Faults = faults,
            Drain = lastEnd is { } end && lastFault is { } fault ? end - fault : null,
            FaultsAfterTheLastRun = lastEnd is { } last ? faults.Count(f => f.BegunAtUtc > last) : 0,
            WallTime = wallTime,
        };
    }

    /// <summary>The figures, one per line, then the details of every problem (at most 20 per kind).</summary>
    public string Format()
    {
        var text = new StringBuilder();
        void Figure(string name, FormattableString value) => text.Append(CultureInfo.InvariantCulture, $"{name,-44} ").Append(value.ToString(CultureInfo.InvariantCulture)).AppendLine();
        string Zero(int count) => count == 0 ? "0" : $"{count}   <-- must be 0";

        text.AppendLine("==== soak result ====");
        Figure("seed", $"{Seed}");
        Figure("runs", $"{Runs} ({string.Join(", ", Statuses.Select(s => $"{s.Key} {s.Value}"))})");
        Figure("faults injected", $"{Faults.Count} ({string.Join(", ", Faults.GroupBy(f => f.Fault.Kind).Select(g => $"{g.Key} {g.Count()}"))})");
        Figure("runs lost", $"{Zero(Lost.Count)}");
        Figure("runs ended twice", $"{Zero(EndedTwice.Count)}");
        Figure("runs ended in the wrong status", $"{Zero(WrongStatus.Count)}");
        Figure("compensations run twice", $"{Zero(CompensationsRunTwice.Count)}");
        Figure("node executions per idempotency key", $"{Executions} over {LedgerRows} executions (retries included)");
        Figure("  per key and attempt (2+x: run again)", $"{ExecutionsPerAttempt}");
        Figure("  compensations per key", $"{CompensationExecutions}");
        Figure("end events redelivered (same message)", $"{EndEventsRedelivered}");
        Figure("ended runs without an end event", $"{RunsWithoutEndEvent}");
        Figure("faulted messages (error/skipped queues)", $"{(FaultedMessages.Count == 0 ? "0" : string.Join(", ", FaultedMessages.Select(f => $"{f.Key} {f.Value}")))}");
        Figure("starts retried", $"{StartRetries}");
        Figure("time to drain (last fault -> last run end)", $"{Drain switch
        {
            null => "-",
            { } drain when drain >= TimeSpan.Zero => $"{drain.TotalSeconds:0.0} s",
            { } early => $"0 s: every run had ended {-early.TotalSeconds:0.0} s before the last fault finished",
        }}");
        Figure("faults after the last run ended", $"{FaultsAfterTheLastRun} of {Faults.Count}");
        Figure("wall time", $"{WallTime.TotalSeconds:0.0} s");
        Figure("verdict", $"{(Passed ? "PASSED" : "FAILED")}");
        foreach (var (kind, problems) in new[] { ("lost", Lost), ("ended twice", EndedTwice), ("wrong status", WrongStatus), ("compensation run twice", CompensationsRunTwice) })
        {
            foreach (var problem in problems.Take(20))
            {
                text.Append(CultureInfo.InvariantCulture, $"{kind}: run {problem.RunId} (seed {Seed}, index {problem.Index}, {problem.Path}): {problem.What}").AppendLine()
                    .Append("    ").Append(problem.History).AppendLine();
            }
        }

        return text.ToString().TrimEnd();
    }

    private static List<string> WhatIsWrong(SoakRun planned, FlowRunDescription run, Dictionary<string, List<ExecutionRecord>> ledgerByKey)
    {
        var order = planned.Order;
        var reasons = new List<string>();
        var failedNode = SoakFlow.ExpectedFailedNode(order);
        var expectedStatus = failedNode is null ? RunStatus.Completed : RunStatus.Failed;
        if (run.Status != expectedStatus)
        {
            reasons.Add($"ended {run.Status}, expected {expectedStatus}{(run.Error is null ? "" : $" ({run.Error})")}");
        }

        if (failedNode is not null && run.Error?.NodeName != failedNode)
        {
            reasons.Add($"failed at {run.Error?.NodeName ?? "no node"}, expected {failedNode}");
        }

        if (failedNode is null)
        {
            foreach (var node in SoakFlow.ForwardNodes.Where(n => !run.State.Has(n)))
            {
                reasons.Add($"the output of {node} is missing");
            }
        }

        var expected = SoakFlow.ExpectedCompensations(order);
        var completed = run.History.Where(e => e.IsCompensation && e.Outcome == NodeExecutionOutcome.Completed).Select(e => e.NodeName).ToHashSet(StringComparer.Ordinal);
        var executed = SoakFlow.Compensations.Where(c => ledgerByKey.ContainsKey(NodeContext.CreateIdempotencyKey(planned.RunId, c))).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(c => !completed.Contains(c)).ToList();
        var extra = completed.Union(executed).Where(c => !expected.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            reasons.Add($"compensation(s) not completed: {string.Join(", ", missing)}");
        }

        if (extra.Count > 0)
        {
            reasons.Add($"compensation(s) that must not run ran: {string.Join(", ", extra)}");
        }

        return reasons;
    }

    private static string Describe(FlowRunDescription? run, IReadOnlyDictionary<Guid, (string State, bool Ended)> states, Guid runId) =>
        run is not null
            ? $"{run.Status} at step {run.CurrentStep ?? "-"}{(run.Error is null ? "" : $", error {run.Error}")}; history: {EngineCluster.Describe(run.History)}"
            : states.TryGetValue(runId, out var state) ? $"saga row: {state.State}, ended {state.Ended}" : "no saga row";
}
