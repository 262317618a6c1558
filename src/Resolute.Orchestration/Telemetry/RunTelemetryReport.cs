using Resolute.Contracts;

namespace Resolute.Orchestration.Telemetry;

/// <summary>
/// One message's telemetry for one run, reported once the message's transaction committed
/// (<see cref="Sagas.RunAfterCommit.NoteTelemetry"/>).
/// </summary>
/// <param name="FlowName">The run's flow.</param>
/// <param name="Started">True when the message started the run.</param>
/// <param name="Ended">The status the run ended with in this message; null when it did not end.</param>
/// <param name="Duration">For an ended run: start to end.</param>
/// <param name="Spans">The run's spans that ended.</param>
/// <param name="RateLimitWaits">Rate-limit waits that ended.</param>
public sealed record RunTelemetryReport(
    string FlowName,
    bool Started,
    RunStatus? Ended,
    TimeSpan Duration,
    IReadOnlyList<RunSpanRecord> Spans,
    IReadOnlyList<RateLimitWaitRecord> RateLimitWaits)
{
    /// <summary>Exports the spans and records the metrics.</summary>
    public void Make(FlowRunMetrics? metrics)
    {
        RunSpanExporter.Export(Spans);
        if (metrics is null)
        {
            return;
        }

        if (Started)
        {
            metrics.RunStarted(FlowName);
        }

        foreach (var wait in RateLimitWaits)
        {
            metrics.RateLimitWaited(FlowName, wait.NodeName, wait.Wait);
        }

        if (Ended is { } status)
        {
            metrics.RunEnded(FlowName, status, Duration);
        }
    }
}
