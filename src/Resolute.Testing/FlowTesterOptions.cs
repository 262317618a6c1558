using Resolute.Orchestration;

namespace Resolute.Testing;

/// <summary>Settings of a <see cref="FlowTester"/>; every run it starts uses them.</summary>
public sealed class FlowTesterOptions
{
    /// <summary>Where the virtual clock of each run starts. Default 2026-01-01T00:00:00Z.</summary>
    public DateTimeOffset StartTime { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The longest a <see cref="FlowTester.RunAsync"/>, <see cref="FlowTestRun.RunToEndAsync"/> or
    /// <see cref="FlowTestRun.AdvanceAsync"/> may take in wall-clock time before it gives up with a
    /// <see cref="TimeoutException"/> describing the run (a node that never returns and has a long timeout on the virtual
    /// clock is still timed out quickly; this only guards against a test that hangs). Default 30 seconds.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long, in wall-clock time, running node functions may go without one of them finishing before the tester
    /// takes them to be waiting — on their <see cref="NodeContext.CancellationToken"/> or on the virtual clock — and moves
    /// the virtual clock to the next timer (a node's timeout, a retry, a rate-limit slot). Node functions in a test should
    /// not take real time: one that works longer than this while nothing else happens is timed out on the virtual clock.
    /// Default 200 milliseconds.
    /// </summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The class-based nodes' services (<c>Node.Create&lt;TNode, TIn, TOut&gt;</c>): each attempt runs in a scope of its
    /// own created from this provider, as on a worker. The tester never disposes it. Use
    /// <see cref="FlowTester.ConfigureServices"/> instead to let the tester build (and dispose) a container per run.
    /// </summary>
    public IServiceProvider? Services { get; set; }

    /// <summary>
    /// The orchestrator's settings the run rules follow (payload limit, deadline grace). Default: the defaults, with
    /// <see cref="OrchestratorOptions.QueueWaitLimit"/> zero, as on the in-memory transport.
    /// </summary>
    public OrchestratorOptions Orchestrator { get; set; } = new() { QueueWaitLimit = TimeSpan.Zero };

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A duration is zero or negative.</exception>
    internal void Validate()
    {
        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "FlowTesterOptions.Timeout (the wall-clock limit of a test run) must be positive, e.g. TimeSpan.FromSeconds(30).");
        }

        if (QuietPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(QuietPeriod), QuietPeriod, "FlowTesterOptions.QuietPeriod must be positive, e.g. TimeSpan.FromMilliseconds(200).");
        }

        ArgumentNullException.ThrowIfNull(Orchestrator, nameof(Orchestrator));
    }
}
