namespace Resolute;

/// <summary>
/// How <c>AddResolute</c> reports to OpenTelemetry (configuration section <c>Resolute:Telemetry</c>). Resolute's
/// activity source and meter (<c>Resolute</c>) and MassTransit's always join the tracer and meter providers the
/// application builds; exporting is configured by the standard <c>OTEL_*</c> variables
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c>,
/// <c>OTEL_TRACES_EXPORTER</c>/<c>OTEL_METRICS_EXPORTER</c> = <c>none</c>, <c>OTEL_SDK_DISABLED</c>). See docs/observability.md.
/// </summary>
public sealed class ResoluteTelemetryOptions
{
    /// <summary>
    /// Whether <c>AddResolute</c> registers OpenTelemetry's OTLP exporter. Null (the default): for traces when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> is set, for metrics when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c> is set — unless that signal's
    /// <c>OTEL_*_EXPORTER</c> is <c>none</c> or <c>OTEL_SDK_DISABLED</c> is true. True: always (to the OTLP default,
    /// <c>http://localhost:4317</c>, when no endpoint is set). False: never — for an application that configures its own
    /// exporters; Resolute's spans and metrics still reach them.
    /// </summary>
    public bool? ExportOtlp { get; set; }

    /// <summary>
    /// How often an orchestrator reads the cluster-wide gauges from the saga database — runs in flight by flow, the
    /// outbox backlog and its age — while a meter listens to them. Default 15 s.
    /// </summary>
    public TimeSpan GaugeInterval { get; set; } = TimeSpan.FromSeconds(15);

    internal void Validate()
    {
        if (GaugeInterval < TimeSpan.FromMilliseconds(100) || GaugeInterval > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(GaugeInterval), GaugeInterval, "must be between 100 ms and 1 hour.");
        }
    }
}
