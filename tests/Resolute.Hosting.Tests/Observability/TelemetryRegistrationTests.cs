using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Resolute.Telemetry;

namespace Resolute.Hosting.Tests.Observability;

/// <summary>
/// When <c>AddResolute</c> exports to OTLP: by the standard <c>OTEL_*</c> variables, per signal, with
/// <see cref="ResoluteTelemetryOptions.ExportOtlp"/> to force it on or off; and with nothing set, no tracer provider at
/// all (so nothing listens and runs cost no tracing).
/// </summary>
[Trait("Area", "Observability")]
public sealed class TelemetryRegistrationTests
{
    [Theory]
    [InlineData(null, true, true)]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT=http://jaeger:4317", true, true)]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://jaeger:4318/v1/traces", true, false)]
    [InlineData("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT=http://collector:4318/v1/metrics", false, true)]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT=http://jaeger:4317;OTEL_METRICS_EXPORTER=none", true, false)]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT=http://jaeger:4317;OTEL_TRACES_EXPORTER=none", false, true)]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT=http://jaeger:4317;OTEL_SDK_DISABLED=true", false, false)]
    public void The_OTEL_variables_decide_which_signals_are_exported(string? variables, bool traces, bool metrics)
    {
        var configuration = Configuration(variables);
        var expected = variables is null ? new OtlpExport(false, false) : new OtlpExport(traces, metrics);

        Assert.Equal(expected, OtlpExport.Decide(configuration, exportOtlp: null));
    }

    [Fact]
    public void ExportOtlp_forces_both_signals_on_or_off_whatever_the_variables_say()
    {
        Assert.Equal(new OtlpExport(true, true), OtlpExport.Decide(Configuration(null), exportOtlp: true));
        Assert.Equal(new OtlpExport(false, false), OtlpExport.Decide(Configuration("OTEL_EXPORTER_OTLP_ENDPOINT=http://jaeger:4317"), exportOtlp: false));
        Assert.Equal(new OtlpExport(true, false), OtlpExport.Decide(Configuration("OTEL_METRICS_EXPORTER=none"), exportOtlp: true));
    }

    [Theory]
    [InlineData("OTEL_SERVICE_NAME=billing-orchestrator", "billing-orchestrator")]
    [InlineData("OTEL_RESOURCE_ATTRIBUTES=deployment.environment=prod,service.name=billing", "billing")]
    [InlineData("OTEL_RESOURCE_ATTRIBUTES=deployment.environment=prod", null)]
    public void The_service_name_comes_from_OTEL_SERVICE_NAME_or_the_resource_attributes(string variables, string? expected) =>
        Assert.Equal(expected, OtlpExport.ServiceNameOf(Configuration(variables)));

    [Fact]
    public void Without_OTEL_variables_no_tracer_or_meter_provider_is_built()
    {
        using var host = Build(Configuration(null));

        Assert.Null(host.Services.GetService<TracerProvider>());
        Assert.Null(host.Services.GetService<MeterProvider>());
    }

    [Fact]
    public void With_an_OTLP_endpoint_the_tracer_and_meter_providers_are_built()
    {
        using var host = Build(Configuration("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318;OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf"));

        Assert.NotNull(host.Services.GetService<TracerProvider>());
        Assert.NotNull(host.Services.GetService<MeterProvider>());
    }

    [Fact]
    public void ExportOtlp_changed_after_AddResolute_fails_the_start_instead_of_being_ignored()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddResolute(r => r.UseConfiguration(Configuration(null)).UseSqlite("Data Source=:memory:").AsClientOnly());
        builder.Services.Configure<ResoluteTelemetryOptions>(o => o.ExportOtlp = true);
        using var host = builder.Build();

        var failure = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<ResoluteTelemetryOptions>>().Value);
        Assert.Contains("Resolute:Telemetry:ExportOtlp", failure.Message, StringComparison.Ordinal);
    }

    private static IHost Build(IConfiguration configuration)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddResolute(r => r.UseConfiguration(configuration).AsClientOnly());
        return builder.Build();
    }

    private static IConfiguration Configuration(string? variables) => new ConfigurationBuilder()
        .AddInMemoryCollection((variables ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => v.Split('=', 2))
            .Select(kv => new KeyValuePair<string, string?>(kv[0], kv[1])))
        .Build();
}
