using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;

namespace Resolute.IntegrationTests.Observability;

/// <summary>
/// An orchestrator and two workers (<c>w1</c>, <c>w2</c>, two nodes at a time each, competing for the default task
/// queue, so a parallel step spreads over both), every process exporting traces and metrics over real OTLP/HTTP
/// (protobuf) to the cluster's <see cref="OtlpReceiver"/> — configured only by the standard <c>OTEL_*</c> variables, as
/// a deployment does.
/// </summary>
public sealed class ObservedCluster : EngineCluster
{
    /// <summary>The receiver the processes export to.</summary>
    public OtlpReceiver Receiver { get; } = new();

    /// <inheritdoc />
    protected override IReadOnlyList<WorkerSpec> Workers { get; } =
        [new("w1", [TestFlowCatalog.DefaultTaskQueue], Concurrency: 2), new("w2", [TestFlowCatalog.DefaultTaskQueue], Concurrency: 2)];

    /// <summary>The service name the process called <paramref name="processName"/> reports under.</summary>
    public static string ServiceOf(string processName) => "resolute-it-" + processName;

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> ProcessEnvironment(string processName) => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Receiver.Endpoint.ToString(),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_SERVICE_NAME"] = ServiceOf(processName),
        // Export quickly, so the test does not wait for the default 5 s (spans) and 60 s (metrics).
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        ["Resolute__Telemetry__GaugeInterval"] = "00:00:00.500",
    };

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync().ConfigureAwait(false);
        await Receiver.DisposeAsync().ConfigureAwait(false);
    }
}
