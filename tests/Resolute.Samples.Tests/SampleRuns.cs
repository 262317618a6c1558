using System.Text;

namespace Resolute.Samples.Tests;

/// <summary>Runs one sample in this process, as the console does, and keeps what it printed.</summary>
internal static class SampleRuns
{
    /// <summary>Node latencies in the tests: a twentieth of the samples' (a few to a hundred milliseconds).</summary>
    public const double LatencyScale = 0.05;

    /// <summary>
    /// Runs <paramref name="sample"/> with <paramref name="options"/>; embedded unless <paramref name="hostArgs"/> name a
    /// broker and database. Settings come from <paramref name="hostArgs"/> only, not from this process's environment.
    /// </summary>
    public static async Task<(SampleOutcome Outcome, string Output)> RunAsync(string sample, string[] options, string[]? hostArgs = null)
    {
        var definition = SampleCatalog.Find(sample) ?? throw new ArgumentException($"No sample '{sample}'.", nameof(sample));
        var arguments = SampleArguments.Parse(options, definition.Options, sample);
        var settings = SampleHostSettings.Read(hostArgs ?? [], environment: new Dictionary<string, string?>());
        var output = new StringWriter(new StringBuilder());
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var outcome = await SampleRunner.RunAsync(definition, arguments, settings, LatencyScale, output, timeout.Token);
        return (outcome, output.ToString());
    }
}
