using System.Globalization;

namespace Resolute.Benchmarks;

/// <summary>Command line of the benchmark (documented at the top of Program.cs and benchmark.sh).</summary>
public sealed record BenchmarkOptions
{
    public static readonly IReadOnlyList<string> AllSections = ["peers", "embedded", "distributed", "sequential200", "workers", "memory"];

    public IReadOnlyList<string> Sections { get; init; } = AllSections;

    public int Runs { get; init; } = 500;

    public int LatencyRuns { get; init; } = 50;

    public IReadOnlyList<bool> OutboxPasses { get; init; } = [true, false];

    public WarmUpSettings WarmUp { get; init; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(3), MinRuns: 100, Tolerance: 0.10);

    public int SequentialRuns { get; init; } = 3;

    public int MemoryRuns { get; init; } = 10_000;

    public int WorkerRuns { get; init; } = 120;

    public int WorkerConcurrency { get; init; } = 2;

    public string? RabbitMq { get; init; }

    public string? RabbitMqManagement { get; init; }

    public string? Postgres { get; init; }

    /// <summary>Set in child processes only: orchestrator or worker.</summary>
    public string? Role { get; init; }

    /// <summary>Set in child processes only: the worker's ConcurrentNodeLimit.</summary>
    public int? ChildWorkerConcurrency { get; init; }

    public bool Has(string section) => Sections.Contains(section, StringComparer.Ordinal);

    public static BenchmarkOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new BenchmarkOptions();
        var positional = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Count() => int.Parse(Next(), NumberStyles.None, CultureInfo.InvariantCulture);
            TimeSpan Seconds() => TimeSpan.FromSeconds(double.Parse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture));
            options = args[i] switch
            {
                "--only" => options with { Sections = ParseSections(Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) },
                "--runs" => options with { Runs = Count() },
                "--latency-runs" => options with { LatencyRuns = Count() },
                "--warmup" => options with { WarmUp = options.WarmUp with { MinRuns = Count() } },
                "--warmup-min" => options with { WarmUp = options.WarmUp with { Min = Seconds() } },
                "--warmup-max" => options with { WarmUp = options.WarmUp with { Max = Seconds() } },
                "--sequential-runs" => options with { SequentialRuns = Count() },
                "--memory-runs" => options with { MemoryRuns = Count() },
                "--worker-runs" => options with { WorkerRuns = Count() },
                "--worker-concurrency" => options with { WorkerConcurrency = Count() },
                "--rabbitmq" => options with { RabbitMq = Next() },
                "--rabbitmq-management" => options with { RabbitMqManagement = Next() },
                "--postgres" => options with { Postgres = Next() },
                "--role" => options with { Role = Next() },
                "--child-worker-concurrency" => options with { ChildWorkerConcurrency = Count() },
                "--outbox" => options with
                {
                    OutboxPasses = Next() switch
                    {
                        "on" => [true],
                        "off" => [false],
                        "both" => [true, false],
                        var other => throw new ArgumentException($"--outbox {other}: expected on, off or both"),
                    },
                },
                var section when !section.StartsWith('-') => AddPositional(options, positional, section),
                var other => throw new ArgumentException(
                    $"Unknown argument '{other}'. Usage: [--only {string.Join(',', AllSections)}] [--runs N] [--latency-runs N] [--outbox on|off|both] "
                    + "[--warmup N] [--warmup-min S] [--warmup-max S] [--sequential-runs N] [--memory-runs N] [--worker-runs N] [--worker-concurrency N] "
                    + "[--rabbitmq URI] [--rabbitmq-management URI] [--postgres CS]"),
            };
        }

        return options;
    }

    // Sections may also be named positionally (the earlier `embedded distributed` form).
    private static BenchmarkOptions AddPositional(BenchmarkOptions options, List<string> positional, string section)
    {
        positional.Add(section);
        return options with { Sections = ParseSections(positional) };
    }

    private static List<string> ParseSections(IEnumerable<string> names)
    {
        var sections = names.ToList();
        var unknown = sections.Where(s => !AllSections.Contains(s, StringComparer.Ordinal)).ToList();
        return unknown.Count == 0
            ? sections
            : throw new ArgumentException($"Unknown section(s) {string.Join(", ", unknown)}; expected some of {string.Join(',', AllSections)}.");
    }
}
