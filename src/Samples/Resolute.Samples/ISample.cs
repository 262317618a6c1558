namespace Resolute.Samples;

/// <summary>One runnable sample: its flow (from Resolute.Samples.Flows), how it is started and what it prints.</summary>
internal interface ISample
{
    /// <summary>The command-line name, which is also the flow's name.</summary>
    string Name { get; }

    /// <summary>One line: what the sample shows.</summary>
    string Summary { get; }

    /// <summary>The options it accepts besides the common ones.</summary>
    IReadOnlyList<SampleOption> Options { get; }

    /// <summary>The task queue its flow is registered on (a node may name its own).</summary>
    string TaskQueue => SampleRunner.DefaultTaskQueue;

    /// <summary>Builds the flow with the given simulated work and options; checks every option (before anything runs).</summary>
    Flow Build(SimulatedWork work, SampleArguments args);

    /// <summary>Starts the run(s), waits for them and prints the outcome; returns the verdict.</summary>
    Task<SampleVerdict> RunAsync(SampleSession session, SampleArguments args, CancellationToken cancellationToken);
}

/// <summary>Whether a sample ended as it should, and why not.</summary>
internal sealed record SampleVerdict(bool AsExpected, string Explanation)
{
    public static SampleVerdict Expect(bool condition, string what) => new(condition, condition ? what : $"NOT as expected: {what}");
}
