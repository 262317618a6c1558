using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Resolute.Client;
using Resolute.Contracts;

namespace Resolute.Samples;

/// <summary>What a sample run produced: the verdict and the runs (for the tests).</summary>
internal sealed record SampleOutcome(SampleVerdict Verdict, IReadOnlyList<FlowRunDescription> Runs, IReadOnlyList<FlowScheduleStatus> Schedules);

/// <summary>
/// Runs one sample in this process: builds its flow with simulated work that prints to the timeline, hosts it with the
/// seed-style <see cref="Worker"/> (orchestrator and worker; transport and database from <see cref="SampleHostSettings"/>),
/// prints the plan, starts the run(s) and prints the outcome.
/// </summary>
internal static class SampleRunner
{
    /// <summary>The task queue the samples' flows are registered on.</summary>
    public const string DefaultTaskQueue = "samples-queue";

    public static async Task<SampleOutcome> RunAsync(
        ISample sample, SampleArguments args, SampleHostSettings settings, double latencyScale, TextWriter output, CancellationToken cancellationToken)
    {
        var timeline = new NodeTimeline(output);
        var flow = sample.Build(new SimulatedWork(latencyScale, timeline), args);
        var sqlite = Path.Combine(Path.GetTempPath(), $"resolute-sample-{sample.Name}-{Guid.NewGuid():N}.db");

        output.WriteLine($"Sample '{sample.Name}': {sample.Summary}");
        output.WriteLine($"Runs on: {settings.Describe(sqlite)}; node latencies x{latencyScale:0.###}");
        output.WriteLine();
        output.WriteLine(flow.Describe());
        output.WriteLine();

        var worker = new Worker()
            .WithConfig(new WorkerConfig { TaskQueue = sample.TaskQueue })
            .WithFlow(flow)
            .Configure(r => settings.Apply(r, sqlite))
            .ConfigureHost(h => SampleHostSettings.QuietLogging(h.Logging));
        try
        {
            using var host = worker.Build(settings.HostArgs);
            await host.StartAsync(cancellationToken);
            try
            {
                var session = new SampleSession(host.Services.GetRequiredService<IFlowClient>(), timeline, output);
                var verdict = await sample.RunAsync(session, args, cancellationToken);
                output.WriteLine();
                output.WriteLine($"Outcome: {verdict.Explanation}");
                return new SampleOutcome(verdict, session.Runs, session.Schedules);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            foreach (var file in new[] { sqlite, sqlite + "-wal", sqlite + "-shm" })
            {
                File.Delete(file);
            }
        }
    }
}
