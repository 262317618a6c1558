using System.Globalization;
using System.Text;
using Resolute.Contracts;
using Resolute.TestFlows;

namespace Resolute.Soak;

/// <summary>What a soak does to the cluster at one moment.</summary>
public enum SoakFaultKind
{
    /// <summary><c>kill -9</c> of an orchestrator process, started again after <see cref="SoakFault.Outage"/>.</summary>
    KillOrchestrator,

    /// <summary><c>kill -9</c> of a worker process, started again after <see cref="SoakFault.Outage"/>.</summary>
    KillWorker,

    /// <summary>RabbitMQ stopped and started again (<c>rabbitmq-node.sh stop</c>, then <c>start</c>).</summary>
    RestartRabbitMq,

    /// <summary>PostgreSQL stopped for <see cref="SoakFault.Outage"/> (<c>postgres-node.sh stop</c>, then <c>start</c>).</summary>
    StopPostgres,
}

/// <summary>One fault of the schedule.</summary>
/// <param name="At">When, counted from the first run's start.</param>
/// <param name="Kind">What.</param>
/// <param name="Target">The process (orchestrator or worker name), or <c>rabbitmq</c> / <c>postgres</c>.</param>
/// <param name="Outage">How long the process or server stays down before it is started again.</param>
public sealed record SoakFault(TimeSpan At, SoakFaultKind Kind, string Target, TimeSpan Outage)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{At.TotalSeconds,6:0.0}s {Kind switch
        {
            SoakFaultKind.KillOrchestrator or SoakFaultKind.KillWorker => $"kill -9 {Target}, start again after {Outage.TotalSeconds:0.0}s",
            SoakFaultKind.RestartRabbitMq => "restart RabbitMQ (stop, start)",
            SoakFaultKind.StopPostgres => $"stop PostgreSQL for {Outage.TotalSeconds:0.0}s",
            _ => Kind.ToString(),
        }}");
}

/// <summary>One run of the soak: its id, when it starts, and its input (which fixes its expected end).</summary>
/// <param name="RunId">The run id, derived from the seed and the index (the start's idempotency key is <c>soak-{seed}-{index}</c>).</param>
/// <param name="IdempotencyKey">The start's idempotency key: retrying a start never makes a second run.</param>
/// <param name="At">When it is started, counted from the first run's start.</param>
/// <param name="Order">Its input.</param>
public sealed record SoakRun(Guid RunId, string IdempotencyKey, TimeSpan At, SoakOrder Order);

/// <summary>
/// Everything random about a soak, drawn from one seed: the runs' inputs and start moments, and the fault schedule. The
/// same seed and options give the same plan, fault for fault (the faults' real moments then follow the schedule as
/// closely as the machine allows: a fault starts no earlier than planned and never before the previous one finished).
/// </summary>
public sealed class SoakPlan
{
    /// <summary>The orchestrator processes of a soak cluster.</summary>
    public static readonly IReadOnlyList<string> Orchestrators = [SoakCluster.FirstOrchestrator, SoakCluster.SecondOrchestrator];

    private SoakPlan(SoakOptions options, IReadOnlyList<SoakRun> runs, IReadOnlyList<SoakFault> faults)
    {
        Options = options;
        Runs = runs;
        Faults = faults;
    }

    /// <summary>The options the plan was drawn for.</summary>
    public SoakOptions Options { get; }

    /// <summary>The runs, by start moment.</summary>
    public IReadOnlyList<SoakRun> Runs { get; }

    /// <summary>The faults, by moment.</summary>
    public IReadOnlyList<SoakFault> Faults { get; }

    /// <summary>
    /// Draws the plan. Runs start evenly over the first 80% of <see cref="SoakOptions.Duration"/>; faults fall at random
    /// moments between 8% and 75% of it (so that runs are still started after the last fault has begun): per minute about 2 orchestrator kills, 3 worker kills, half a RabbitMQ restart
    /// and half a PostgreSQL outage, at least one of each.
    /// </summary>
    public static SoakPlan Create(SoakOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Two streams, so that the inputs do not shift when the fault counts change and the other way round.
        // (new Random(int) is deterministic across processes; HashCode is not, so the streams' seeds are mixed by hand.)
        var inputs = new Random(unchecked((options.Seed * 397) ^ 0x1F));
        var chaos = new Random(unchecked((options.Seed * 397) ^ 0x2E));
        var window = options.Duration;

        var runs = new List<SoakRun>(options.Runs);
        for (var i = 0; i < options.Runs; i++)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"soak-{options.Seed}-{i}");
            var at = options.Runs == 1 ? TimeSpan.Zero : window * 0.8 * i / (options.Runs - 1);
            runs.Add(new SoakRun(RunIds.FromIdempotencyKey(SoakFlow.Name, key), key, at, DrawOrder(inputs, i)));
        }

        var minutes = Math.Max(window.TotalMinutes, 0.5);
        var faults = new List<SoakFault>();
        void Add(int count, Func<SoakFault> draw)
        {
            for (var i = 0; i < Math.Max(1, count); i++)
            {
                faults.Add(draw());
            }
        }

        TimeSpan Moment() => window * (0.08 + (chaos.NextDouble() * 0.67));
        TimeSpan Seconds(double from, double to) => TimeSpan.FromSeconds(Math.Round(from + (chaos.NextDouble() * (to - from)), 1));
        Add((int)Math.Round(2 * minutes), () => new SoakFault(Moment(), SoakFaultKind.KillOrchestrator, Orchestrators[chaos.Next(Orchestrators.Count)], Seconds(0.2, 3)));
        Add((int)Math.Round(3 * minutes), () => new SoakFault(Moment(), SoakFaultKind.KillWorker, SoakCluster.WorkerIds[chaos.Next(SoakCluster.WorkerIds.Count)], Seconds(0.2, 3)));
        Add((int)Math.Round(0.5 * minutes), () => new SoakFault(Moment(), SoakFaultKind.RestartRabbitMq, "rabbitmq", TimeSpan.Zero));
        Add((int)Math.Round(0.5 * minutes), () => new SoakFault(Moment(), SoakFaultKind.StopPostgres, "postgres", Seconds(2, 6)));
        return new SoakPlan(options, runs, faults.OrderBy(f => f.At).ThenBy(f => f.Kind).ThenBy(f => f.Target, StringComparer.Ordinal).ToList());
    }

    /// <summary>The plan in words: the seed, the mix of runs and every fault.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"seed {Options.Seed}: {Runs.Count} runs of '{SoakFlow.Name}' started over {Options.Duration.TotalSeconds * 0.8:0} s (")
            .AppendJoin(", ", Runs.GroupBy(r => r.Order.Path).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))
            .Append(CultureInfo.InvariantCulture, $"; {Runs.Count(r => r.Order.ReserveFlakes + r.Order.ChargeFlakes + r.Order.EmailFlakes > 0)} with flaky nodes); ")
            .Append(CultureInfo.InvariantCulture, $"{Faults.Count} faults:").AppendLine();
        foreach (var fault in Faults)
        {
            text.Append("  ").Append(fault).AppendLine();
        }

        return text.ToString().TrimEnd();
    }

    private static SoakOrder DrawOrder(Random random, int index)
    {
        var roll = random.NextDouble();
        var path = roll switch
        {
            < 0.60 => SoakPath.Complete,
            < 0.75 => SoakPath.FailInParallelStep,
            < 0.90 => SoakPath.FailAtTheEnd,
            _ => SoakPath.ExhaustRetries,
        };

        // Up to MaximumAttempts - 1 transient failures: the node still completes on its last attempt.
        int Flakes() => random.NextDouble() < 0.3 ? random.Next(1, SoakFlow.MaximumAttempts) : 0;
        var reserve = Flakes();
        var charge = Flakes();
        var email = Flakes();
        if (path == SoakPath.FailInParallelStep)
        {
            // ship-parcel fails at once: a sibling still waiting for a retry when the step fails would not be
            // compensated, so its siblings complete at the first attempt and the expected compensations are certain.
            (charge, email) = (0, 0);
        }

        return new SoakOrder(index, path, reserve, charge, email, DelayMs: random.Next(10, 120));
    }
}
