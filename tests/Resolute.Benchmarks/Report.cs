using System.Globalization;
using System.Text;
using static System.FormattableString;

namespace Resolute.Benchmarks;

/// <summary>A peer's figures from this run.</summary>
public sealed record PeerFigures(string ShortName, string TableName, string Description, Batch AllAtOnce, long AllAtOnceNodes, Batch OneAtATime, long OneAtATimeNodes)
{
    public double RunsPerSecond => AllAtOnce.RunsPerSecond;

    public double LatencyP50Ms => Distribution.Percentile(OneAtATime.SortedLatenciesMs, 50);

    public string Format(Batch batch, long nodes, string how) => string.Format(
        CultureInfo.InvariantCulture,
        "{0,-52} runs {1,5} completed {2,5}  elapsed {3,7:0.00} s  {4,8:0.0} runs/s  {5,8:0.0} node executions/s  run p50 {6,7} ms  p99 {7,7} ms  ({8})",
        $"peer {ShortName}, {how}", batch.Runs.Count, batch.Completed, batch.Elapsed.TotalSeconds, batch.RunsPerSecond, nodes / batch.Elapsed.TotalSeconds,
        Report.Milliseconds(Distribution.Percentile(batch.SortedLatenciesMs, 50)), Report.Milliseconds(Distribution.Percentile(batch.SortedLatenciesMs, 99)), Description);
}

/// <summary>One of our modes: all at once and one at a time.</summary>
public sealed record EngineFigures(string Label, RunStatistics Throughput, RunStatistics Latency)
{
    public double LatencyP50Ms => Distribution.Percentile(Latency.RunLatenciesMs, 50);
}

/// <summary>A figure with a target (sequential 200, memory, workers).</summary>
public sealed record Check(string Name, string Result, string Target, bool Met);

/// <summary>
/// Prints figures as they are measured and collects them for the closing summary: the lines again (same labels as
/// earlier versions, so results compare across versions), ratios to the peers measured in this run, and markdown tables.
/// </summary>
public sealed class Report
{
    private readonly List<string> _figures = [];
    private readonly List<PeerFigures> _peers = [];
    private readonly List<EngineFigures> _engine = [];
    private readonly List<Check> _checks = [];

    /// <summary>A progress note (warm-up, set-up): printed now, not repeated in the summary.</summary>
    public static void Note(string line) => Console.WriteLine($"  · {line}");

    /// <summary>A figure: printed now and repeated in the summary.</summary>
    public void Figure(string line)
    {
        Console.WriteLine(line);
        _figures.Add(line);
    }

    public void Peer(PeerFigures peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        _peers.Add(peer);
        Figure(peer.Format(peer.AllAtOnce, peer.AllAtOnceNodes, "all at once"));
        Figure(peer.Format(peer.OneAtATime, peer.OneAtATimeNodes, "one at a time"));
    }

    public void Engine(EngineFigures engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine.Add(engine);
        var all = $"{engine.Label}, all at once";
        var one = $"{engine.Label}, one at a time";
        Figure(engine.Throughput.Format(all));
        Figure(Invariant($"  {all}: {engine.Throughput.RunsPerSecond:0.0} runs/s") + Ratios(p => engine.Throughput.RunsPerSecond / p.RunsPerSecond, " (throughput; higher is better)"));
        Figure(engine.Latency.Format(one));
        Figure($"  {one}: {Milliseconds(engine.LatencyP50Ms)} ms a run (p50)" + Ratios(p => engine.LatencyP50Ms / p.LatencyP50Ms, " (time a run; lower is better)"));
    }

    public void Add(Check check)
    {
        ArgumentNullException.ThrowIfNull(check);
        _checks.Add(check);
    }

    public void PrintSummary(BenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Console.WriteLine();
        Console.WriteLine(Invariant($"Resolute benchmark, flow '{BenchmarkFlow.Name}' (5 no-op nodes: 1, parallel 3, 1), {options.Runs} runs started at once, {options.LatencyRuns} one at a time, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        _figures.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine(SummaryTable(options));
    }

    /// <summary>Milliseconds with two decimals below 1 ms (in-memory peers finish a run in microseconds).</summary>
    public static string Milliseconds(double ms) => ms.ToString(ms < 1 ? "0.00" : "0.0", CultureInfo.InvariantCulture);

    /// <summary>A ratio with digits that mean something: 0.0017×, 0.42×, 23.7×, 1094×.</summary>
    private static string Times(double ratio) =>
        ratio.ToString(ratio switch { >= 100 => "0", >= 10 => "0.0", >= 0.1 => "0.00", _ => "0.00##" }, CultureInfo.InvariantCulture) + "×";

    private string Ratios(Func<PeerFigures, double> ratio, string meaning) =>
        _peers.Count == 0 ? string.Empty : " = " + string.Join(", ", _peers.Select(p => $"{Times(ratio(p))} {p.ShortName}")) + meaning;

    private string SummaryTable(BenchmarkOptions options)
    {
        var table = new StringBuilder();
        if (_engine.Count + _peers.Count == 0)
        {
            AppendChecks(table);
            return table.ToString().TrimEnd();
        }

        table.AppendLine(Invariant($"Measured together on one machine ({Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}): `infra/scripts/benchmark.sh --runs {options.Runs}`; flow A → (B, C, D) → E, no-op nodes."));
        table.AppendLine();
        var peerColumns = string.Concat(_peers.Select(p => $" vs {p.ShortName} |"));
        table.AppendLine(CultureInfo.InvariantCulture, $"| | all at once, runs/s |{peerColumns} one at a time, p50 ms a run |{peerColumns}");
        table.AppendLine(CultureInfo.InvariantCulture, $"|---|---:|{string.Concat(_peers.Select(_ => "---:|"))}---:|{string.Concat(_peers.Select(_ => "---:|"))}");
        foreach (var engine in _engine)
        {
            var rps = engine.Throughput.RunsPerSecond;
            var p50 = engine.LatencyP50Ms;
            table.AppendLine(CultureInfo.InvariantCulture, $"| Resolute {engine.Label} | {rps:0.0} |{string.Concat(_peers.Select(p => $" {Times(rps / p.RunsPerSecond)} |"))} {Milliseconds(p50)} |{string.Concat(_peers.Select(p => $" {Times(p50 / p.LatencyP50Ms)} |"))}");
        }

        foreach (var peer in _peers)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"| {peer.TableName} | {peer.RunsPerSecond:0.0} |{string.Concat(_peers.Select(p => $" {Times(peer.RunsPerSecond / p.RunsPerSecond)} |"))} {Milliseconds(peer.LatencyP50Ms)} |{string.Concat(_peers.Select(p => $" {Times(peer.LatencyP50Ms / p.LatencyP50Ms)} |"))}");
        }

        table.AppendLine();
        AppendChecks(table);
        return table.ToString().TrimEnd();
    }

    private void AppendChecks(StringBuilder table)
    {
        if (_checks.Count > 0)
        {
            table.AppendLine("| Check | Result | Target | |");
            table.AppendLine("|---|---|---|---|");
            foreach (var check in _checks)
            {
                table.AppendLine(CultureInfo.InvariantCulture, $"| {check.Name} | {check.Result} | {check.Target} | {(check.Met ? "met" : "**not met**")} |");
            }
        }
    }
}
