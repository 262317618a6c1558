namespace Resolute.Benchmarks;

public sealed record BenchInput(int Value);

public sealed record BenchOutput(int Value);

/// <summary>The measured flow: one node, a parallel step of three, one node — five no-op nodes.</summary>
public static class BenchmarkFlow
{
    public const string Name = "bench-5";
    public const string TaskQueue = "bench-nodes";

    public static readonly string[] Steps = ["first", "fan-out", "last"];

    public static Flow Build()
    {
        static Node<BenchOutput, BenchOutput> Branch(string name, int add) =>
            Node.Create<BenchOutput, BenchOutput>(name, (input, _) => Task.FromResult(new BenchOutput(input.Value + add)))
                .WithInput(s => s.Get<BenchOutput>("first"));

        var first = Node.Create<BenchInput, BenchOutput>("first", (input, _) => Task.FromResult(new BenchOutput(input.Value)));
        var last = Node.Create<BenchOutput, BenchOutput>("last", (input, _) => Task.FromResult(input))
            .WithInput(s => new BenchOutput(s.Get<BenchOutput>("a").Value + s.Get<BenchOutput>("b").Value + s.Get<BenchOutput>("c").Value));

        return Flow.Create(Name)
            .TriggeredBy(Trigger.Manual("bench"))
            .Then(first)
            .ThenParallel("fan-out", Branch("a", 1), Branch("b", 2), Branch("c", 3))
            .Then(last)
            .Build();
    }
}
