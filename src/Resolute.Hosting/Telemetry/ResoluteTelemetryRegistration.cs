using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Resolute.Diagnostics;
using Resolute.Orchestration.Telemetry;
using Resolute.Workers;

namespace Resolute.Telemetry;

/// <summary>
/// OpenTelemetry for <c>AddResolute</c>: Resolute's and MassTransit's activity sources and meters join whatever tracer
/// and meter providers the application builds (registering them builds none — no cost when nothing listens); when the
/// standard <c>OTEL_*</c> variables name an OTLP endpoint, the providers are built here with the OTLP exporter.
/// </summary>
internal static class ResoluteTelemetryRegistration
{
    public static void Add(IServiceCollection services, ResoluteHostPlan plan, ResoluteSettings settings)
    {
        services.AddMetrics();
        services.TryAddSingleton<FlowRunMetrics>();
        services.TryAddSingleton<NodeMetrics>();

        services.ConfigureOpenTelemetryTracerProvider(t => t.AddSource(ResoluteTelemetry.Name, ResoluteTelemetry.MassTransitName));
        services.ConfigureOpenTelemetryMeterProvider(m => m.AddMeter(ResoluteTelemetry.Name, ResoluteTelemetry.MassTransitName));

        var export = OtlpExport.Decide(settings.Configuration, settings.Telemetry.ExportOtlp);
        services.AddSingleton<IValidateOptions<ResoluteTelemetryOptions>>(new ExportDecisionValidator(settings.Telemetry.ExportOtlp));
        if (export.Traces || export.Metrics)
        {
            // OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) names the service; without it, the roles do.
            // Each process gets its own service.instance.id, so replicas are told apart.
            var serviceName = OtlpExport.ServiceNameOf(settings.Configuration)
                              ?? "resolute-" + plan.Roles.ToString().Replace(", ", "-", StringComparison.Ordinal).ToLowerInvariant();
            var builder = services.AddOpenTelemetry().ConfigureResource(r => r.AddService(serviceName, autoGenerateServiceInstanceId: true));
            if (export.Traces)
            {
                builder.WithTracing(t => t.AddOtlpExporter());
            }

            if (export.Metrics)
            {
                builder.WithMetrics(m => m.AddOtlpExporter());
            }
        }

        if (plan.Roles.HasFlag(ResoluteRoles.Orchestrator))
        {
            services.AddSingleton<IHostedService, RunGaugeSampler>();
        }
    }

    /// <summary><see cref="ResoluteTelemetryOptions.ExportOtlp"/> is read when AddResolute runs; a later change would do nothing, so it fails the start.</summary>
    private sealed class ExportDecisionValidator(bool? decided) : IValidateOptions<ResoluteTelemetryOptions>
    {
        public ValidateOptionsResult Validate(string? name, ResoluteTelemetryOptions options) => options.ExportOtlp == decided
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{ResoluteConfigurationKeys.Telemetry}:{nameof(ResoluteTelemetryOptions.ExportOtlp)}: is read when AddResolute runs, where it was {decided?.ToString() ?? "null (decided by OTEL_* variables)"}; "
                + $"it was changed to {options.ExportOtlp?.ToString() ?? "null"} later (services.Configure). Set it in r.ConfigureTelemetry(...) or in configuration.");
    }
}

/// <summary>Which signals go to an OTLP endpoint, by the OpenTelemetry specification's environment variables.</summary>
/// <param name="Traces">Export traces.</param>
/// <param name="Metrics">Export metrics.</param>
internal sealed record OtlpExport(bool Traces, bool Metrics)
{
    public const string Endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string TracesEndpoint = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    public const string MetricsEndpoint = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
    public const string TracesExporter = "OTEL_TRACES_EXPORTER";
    public const string MetricsExporter = "OTEL_METRICS_EXPORTER";
    public const string SdkDisabled = "OTEL_SDK_DISABLED";
    public const string ServiceName = "OTEL_SERVICE_NAME";
    public const string ResourceAttributes = "OTEL_RESOURCE_ATTRIBUTES";

    public static OtlpExport Decide(IConfiguration configuration, bool? exportOtlp)
    {
        if (exportOtlp == false || string.Equals(configuration[SdkDisabled], "true", StringComparison.OrdinalIgnoreCase))
        {
            return new OtlpExport(false, false);
        }

        var anyEndpoint = Set(configuration, Endpoint);
        return new OtlpExport(
            Wanted(configuration, TracesExporter) && (exportOtlp == true || anyEndpoint || Set(configuration, TracesEndpoint)),
            Wanted(configuration, MetricsExporter) && (exportOtlp == true || anyEndpoint || Set(configuration, MetricsEndpoint)));
    }

    public static string? ServiceNameOf(IConfiguration configuration) =>
        Set(configuration, ServiceName)
            ? configuration[ServiceName]!.Trim()
            : (configuration[ResourceAttributes] ?? string.Empty).Split(',')
                .Select(a => a.Trim())
                .Where(a => a.StartsWith("service.name=", StringComparison.Ordinal))
                .Select(a => Uri.UnescapeDataString(a["service.name=".Length..]))
                .LastOrDefault(name => name.Length > 0);

    private static bool Set(IConfiguration configuration, string key) => !string.IsNullOrWhiteSpace(configuration[key]);

    // OTEL_*_EXPORTER names exporters (default otlp); "none" turns the signal off. Other exporters are the application's business.
    private static bool Wanted(IConfiguration configuration, string key) =>
        configuration[key] is not { } value || value.Split(',').Any(e => e.Trim().Equals("otlp", StringComparison.OrdinalIgnoreCase));
}
