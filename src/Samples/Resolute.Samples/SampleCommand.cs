using System.Globalization;

namespace Resolute.Samples;

/// <summary>
/// The console's entry point: <c>&lt;sample&gt; [options] [--latency-scale X] [--Key:Sub=value ...]</c>. Exit codes:
/// 0 the sample ended as it should, 1 it did not, 2 bad arguments or settings.
/// </summary>
internal static class SampleCommand
{
    public const int Ok = 0;
    public const int NotAsExpected = 1;
    public const int Usage = 2;

    private static readonly SampleOption LatencyScale = new("latency-scale", "X", "multiply every node's simulated latency by X (0 to 100; default 1)");

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);

        // --Key:Sub=value arguments are configuration (transport, database), read by the host as it reads environment variables.
        var hostArgs = args.Where(IsConfiguration).ToArray();
        var rest = args.Where(a => !IsConfiguration(a)).ToList();
        if (rest.Count == 0 || rest[0] is "--help" or "-h" or "help")
        {
            PrintUsage(output);
            return Ok;
        }

        var sample = SampleCatalog.Find(rest[0]);
        if (sample is null)
        {
            error.WriteLine($"Unknown sample '{rest[0]}'. Samples: {string.Join(", ", SampleCatalog.All.Select(s => s.Name))}.");
            error.WriteLine("Run with --help for what each one shows.");
            return Usage;
        }

        if (rest.Skip(1).Any(a => a is "--help" or "-h"))
        {
            PrintSample(output, sample);
            return Ok;
        }

        try
        {
            var arguments = SampleArguments.Parse(rest.Skip(1).ToList(), [.. sample.Options, LatencyScale], sample.Name);
            var scale = ParseScale(arguments.Text(LatencyScale.Name));
            var settings = SampleHostSettings.Read(hostArgs);
            var outcome = await SampleRunner.RunAsync(sample, arguments, settings, scale, output, cancellationToken);
            return outcome.Verdict.AsExpected ? Ok : NotAsExpected;
        }
        catch (SampleUsageException usage)
        {
            error.WriteLine(usage.Message);
            return Usage;
        }
    }

    private static bool IsConfiguration(string arg) =>
        arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains(':', StringComparison.Ordinal) && arg.Contains('=', StringComparison.Ordinal);

    private static double ParseScale(string? text)
    {
        if (text is null)
        {
            return 1.0;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) && scale >= 0 && scale <= 100
            ? scale
            : throw new SampleUsageException($"--latency-scale must be a number from 0 to 100; got '{text}'.");
    }

    private static void PrintUsage(TextWriter output)
    {
        output.WriteLine("Resolute samples: the seed page's parallel-execution examples, run with simulated work.");
        output.WriteLine();
        output.WriteLine("  dotnet run --project src/Samples/Resolute.Samples -- <sample> [options] [--latency-scale X]");
        output.WriteLine();
        output.WriteLine("Samples:");
        foreach (var sample in SampleCatalog.All)
        {
            output.WriteLine($"  {sample.Name,-22} {sample.Summary}");
            foreach (var option in sample.Options)
            {
                output.WriteLine($"  {"",-22}   {option,-22} {option.Description}");
            }
        }

        output.WriteLine();
        output.WriteLine("Every sample: --latency-scale X multiplies the simulated node latencies (0 for none).");
        output.WriteLine();
        output.WriteLine("Embedded by default: in-memory transport and a SQLite file in the temp folder, nothing to install.");
        output.WriteLine("On RabbitMQ and PostgreSQL or SQL Server (e.g. the compose stack's services) by configuration, as");
        output.WriteLine("environment variables or --Key:Sub=value arguments:");
        output.WriteLine("  Resolute__RabbitMq__Host=localhost  (and Resolute__RabbitMq__Port, __User, __Pass, __VHost)");
        output.WriteLine("  Samples__Database=Postgres|SqlServer|Sqlite  with  ConnectionStrings__Resolute=\"...\"");
        output.WriteLine();
        output.WriteLine("Exit code: 0 the sample ended as it should (completed, or compensated where that is its point),");
        output.WriteLine("1 it did not, 2 bad arguments or settings.");
    }

    private static void PrintSample(TextWriter output, ISample sample)
    {
        output.WriteLine($"{sample.Name}: {sample.Summary}");
        foreach (var option in sample.Options.Append(LatencyScale))
        {
            output.WriteLine($"  {option,-22} {option.Description}");
        }
    }
}
