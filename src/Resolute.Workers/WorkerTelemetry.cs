using System.Diagnostics;

namespace Resolute.Workers;

/// <summary>The worker's OpenTelemetry source: one span per node attempt, inside MassTransit's consume span.</summary>
public static class WorkerTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> name to add to a tracer provider.</summary>
    public const string SourceName = "Resolute.Workers";

    internal static ActivitySource Source { get; } = new(SourceName);
}
