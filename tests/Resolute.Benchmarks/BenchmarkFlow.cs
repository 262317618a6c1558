namespace Resolute.Benchmarks;

public sealed record BenchInput(int Value);

public sealed record BenchOutput(int Value);

/// <summary>
/// The measured flows. Every benchmark process (client, orchestrator, workers) registers all of them, so any section
/// can run against any deployment.
/// </summary>
public static class BenchmarkFlow
{
    /// <summary>One node, a parallel step of three, one node — five no-op nodes: A → (B, C, D) → E.</summary>
    public const string Name = "bench-5";

    /// <summary>The same shape with nodes that each wait 50 ms (worker scaling).</summary>
    public const string WaitingName = "bench-5-wait-50ms";

    /// <summary>200 sequential no-op nodes (does a step cost more as the run's state and history grow?).</summary>
    public const string SequentialName = "bench-sequential-200";

    /// <summary>One node that waits until the run is torn down (memory with runs in flight).</summary>
    public const string HoldName = "bench-hold";

    public const string TaskQueue = "bench-nodes";

    public const int SequentialSteps = 200;

    public static readonly TimeSpan WaitingNodeDelay = TimeSpan.FromMilliseconds(50);

    public static IReadOnlyList<Flow> All { get; } = [Build(), BuildWaiting(), BuildSequential(), BuildHold()];

    public static Flow Build() => FiveNodes(Name, TimeSpan.Zero);

    public static Flow BuildWaiting() => FiveNodes(WaitingName, WaitingNodeDelay);

    public static Flow BuildSequential()
    {
        var builder = Flow.Create(SequentialName).TriggeredBy(Trigger.Manual("bench"));
        for (var i = 0; i < SequentialSteps; i++)
        {
            // Each node reads the run input (the default) and stores a small output: the state grows by one entry a step.
            builder.Then(Node.Create<BenchInput, BenchOutput>($"s{i:000}", (input, _) => Task.FromResult(new BenchOutput(input.Value))));
        }

        return builder.Build();
    }

    public static Flow BuildHold() =>
        Flow.Create(HoldName)
            .TriggeredBy(Trigger.Manual("bench"))
            .Then(Node.Create<BenchInput, BenchOutput>("hold", async (input, token) =>
                {
                    // Released only when the benchmark tears the deployment down.
                    await Task.Delay(Timeout.InfiniteTimeSpan, token);
                    return new BenchOutput(input.Value);
                })
                // Far beyond the section, so no deadline timer fires while memory is sampled.
                .WithTimeout(TimeSpan.FromHours(2)))
            .Build();

    private static Flow FiveNodes(string name, TimeSpan delay)
    {
        async Task<BenchOutput> Run(int value, CancellationToken token)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, token);
            }

            return new BenchOutput(value);
        }

        Node<BenchOutput, BenchOutput> Branch(string node, int add) =>
            Node.Create<BenchOutput, BenchOutput>(node, (input, token) => Run(input.Value + add, token))
                .WithInput(s => s.Get<BenchOutput>("first"));

        var first = Node.Create<BenchInput, BenchOutput>("first", (input, token) => Run(input.Value, token));
        var last = Node.Create<BenchOutput, BenchOutput>("last", (input, token) => Run(input.Value, token))
            .WithInput(s => new BenchOutput(s.Get<BenchOutput>("a").Value + s.Get<BenchOutput>("b").Value + s.Get<BenchOutput>("c").Value));

        return Flow.Create(name)
            .TriggeredBy(Trigger.Manual("bench"))
            .Then(first)
            .ThenParallel("fan-out", Branch("a", 1), Branch("b", 2), Branch("c", 3))
            .Then(last)
            .Build();
    }
}
