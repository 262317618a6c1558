using System.Globalization;
using Resolute.Soak;
using Xunit.Abstractions;

// The soak console (infra/scripts/soak.sh builds and runs it with the servers it started described in RESOLUTE_TEST_*).
//   Resolute.Soak [--runs N] [--minutes M] [--seed S] [--drain-timeout SECONDS] [--log FILE]
// Exit code: 0 when every must-be-zero figure is zero, 1 when one is not, 2 for a bad command line, 3 when the soak
// could not run (a process or server did not come up).
const string Usage = "usage: Resolute.Soak [--runs N (1000)] [--minutes M (runs/250, at least 1)] [--seed S (random)] [--drain-timeout SECONDS (180)] [--log FILE]";

SoakOptions options;
string? logPath = null;
try
{
    (options, logPath) = ParseArguments(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"{e.Message}\n{Usage}").ConfigureAwait(false);
    return 2;
}

var plan = SoakPlan.Create(options);
Say(plan.Describe());
Say($"replay this soak with: infra/scripts/soak.sh --runs {options.Runs} --minutes {options.Duration.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture)} --seed {options.Seed}");

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

await using var log = logPath is null ? null : new StreamWriter(logPath, append: false) { AutoFlush = true };
var cluster = new SoakCluster();
if (log is not null)
{
    cluster.Log.Attach(new LogFileOutput(log));
}

try
{
    Say("starting 2 orchestrators and 3 workers...");
    await cluster.StartAsync().ConfigureAwait(false);
    Say($"cluster ready (virtual host {cluster.VirtualHost}, database {cluster.Database})");
    var report = await new SoakRunner(cluster, plan, Say).RunAsync(stop.Token).ConfigureAwait(false);
    Console.WriteLine(report.Format());
    return report.Passed ? 0 : 1;
}
#pragma warning disable CA1031 // The console reports why the soak could not run and exits non-zero.
catch (Exception e)
#pragma warning restore CA1031
{
    await Console.Error.WriteLineAsync($"The soak could not run: {e}\n{cluster.DescribeProcesses()}").ConfigureAwait(false);
    return 3;
}
finally
{
    await cluster.DisposeAsync().ConfigureAwait(false);
}

static void Say(string line) => Console.WriteLine($"[soak {DateTime.Now:HH:mm:ss}] {line}");

static (SoakOptions Options, string? LogPath) ParseArguments(string[] args)
{
    var runs = 1000;
    double? minutes = null;
    int? seed = null;
    var drain = TimeSpan.FromMinutes(3);
    string? logPath = null;
    for (var i = 0; i < args.Length; i++)
    {
        if (i + 1 >= args.Length)
        {
            throw new ArgumentException($"'{args[i]}' needs a value.");
        }

        var value = args[++i];
        switch (args[i - 1])
        {
            case "--runs":
                runs = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"--runs must be a positive integer, not '{value}'.");
                break;
            case "--minutes":
                minutes = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && m > 0 ? m : throw new ArgumentException($"--minutes must be a positive number, not '{value}'.");
                break;
            case "--seed":
                seed = int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? s : throw new ArgumentException($"--seed must be an integer, not '{value}'.");
                break;
            case "--drain-timeout":
                drain = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 ? TimeSpan.FromSeconds(d) : throw new ArgumentException($"--drain-timeout must be a positive number of seconds, not '{value}'.");
                break;
            case "--log":
                logPath = value;
                break;
            default:
                throw new ArgumentException($"Unknown argument '{args[i - 1]}'.");
        }
    }

    return (new SoakOptions
    {
        Runs = runs,
        Window = minutes is { } given ? TimeSpan.FromMinutes(given) : null,
        Seed = seed ?? Random.Shared.Next(1, 1_000_000),
        DrainTimeout = drain,
    }, logPath);
}

/// <summary>The cluster's process output (every line of every orchestrator and worker) into the soak's log file.</summary>
internal sealed class LogFileOutput(StreamWriter file) : ITestOutputHelper
{
    private readonly Lock _gate = new();

    public void WriteLine(string message)
    {
        lock (_gate)
        {
            file.WriteLine(message);
        }
    }

    public void WriteLine(string format, params object[] args) => WriteLine(string.Format(CultureInfo.InvariantCulture, format, args));
}
