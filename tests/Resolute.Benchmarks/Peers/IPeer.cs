namespace Resolute.Benchmarks.Peers;

/// <summary>A system we measure ourselves against, running the benchmark's flow shape as closely as it can.</summary>
public interface IPeer : IRunTarget, IAsyncDisposable
{
    /// <summary>Short name for ratios and the summary table, e.g. "Courier".</summary>
    string ShortName { get; }

    /// <summary>A few words for the summary table.</summary>
    string TableName { get; }

    /// <summary>What exactly runs, including where its shape differs from ours.</summary>
    string Description { get; }

    /// <summary>Node (step, activity, command) executions so far: proves every run did all its work.</summary>
    long NodeExecutions { get; }

    /// <summary>Called off the clock before each measured pass and between warm-up windows; most peers have nothing to do.</summary>
    Task ResetAsync(CancellationToken cancellationToken);
}
