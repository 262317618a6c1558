namespace Resolute.Samples.EnrichIssues.StartPublisher;

/// <summary>The configuration section <c>StartRun</c> (environment: <c>StartRun__Project=RES</c>, ...).</summary>
internal sealed class StartRunSettings
{
    public const string Section = "StartRun";

    /// <summary>The issue tracker's project whose issues the run fetches.</summary>
    public string Project { get; set; } = "RES";

    /// <summary>How many issues the run fetches.</summary>
    public int Count { get; set; } = 5;

    /// <summary>
    /// When set (e.g. <c>00:02:00</c>), waits that long for the run to end and exits 0 only if it completed; when not,
    /// exits 0 as soon as the broker has taken the start message.
    /// </summary>
    public TimeSpan? WaitFor { get; set; }
}
