namespace Resolute.Benchmarks.Peers;

/// <summary>A system we measure ourselves against, running the benchmark's flow shape as closely as it can.</summary>
public interface IPeer : IRunTarget, IAsyncDisposable
{
    /// <summary>Short name for ratios and the summary table, e.g. "Courier".</summary>
    string ShortName { get; }

    /// <summary>What exactly runs, including where its shape differs from ours.</summary>
    string Description { get; }
}
