using MassTransit;
using MassTransit.Configuration;
using MassTransit.Context;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Contracts;

namespace Resolute.Orchestration.Telemetry;

/// <summary>
/// What one consume of the saga has to report once its transaction committed: the run's spans that ended and its
/// metrics. A payload of the consume context added by <see cref="RunTelemetryFilter{TMessage}"/>; without that filter
/// (a saga hosted another way) the report is made at once.
/// </summary>
public sealed class RunTelemetryAfterCommit
{
    private readonly List<RunTelemetryReport> _reports = [];

    internal IReadOnlyList<RunTelemetryReport> Reports => _reports;

    /// <summary>Notes <paramref name="report"/> for after the commit, or makes it now when the endpoint has no telemetry filter.</summary>
    /// <param name="context">The saga's consume context.</param>
    /// <param name="report">What to report.</param>
    /// <param name="metrics">The instruments; null when metrics are not registered.</param>
    public static void Note(PipeContext context, RunTelemetryReport report, FlowRunMetrics? metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        if (context.TryGetPayload<RunTelemetryAfterCommit>(out var pending))
        {
            pending._reports.Add(report);
            return;
        }

        report.Make(metrics);
    }
}

/// <summary>One message's telemetry for one run.</summary>
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
    /// <summary>True when there is nothing to report.</summary>
    public bool IsEmpty => !Started && Ended is null && Spans.Count == 0 && RateLimitWaits.Count == 0;

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

/// <summary>
/// Gives each consume of the saga endpoint an empty <see cref="RunTelemetryAfterCommit"/>, lets the saga run, and when
/// the pipeline returned — the saga repository committed — exports the spans and records the metrics it noted. A
/// pipeline that throws (rolled back, to be retried) reports nothing, so a retried message is counted once.
/// </summary>
/// <typeparam name="TMessage">The consumed message type.</typeparam>
public sealed class RunTelemetryFilter<TMessage> : IFilter<ConsumeContext<TMessage>>
    where TMessage : class
{
    private readonly FlowRunMetrics? _metrics;

    internal RunTelemetryFilter(FlowRunMetrics? metrics) => _metrics = metrics;

    /// <inheritdoc />
    public async Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        var pending = new RunTelemetryAfterCommit();
        await next.Send(new ConsumeContextScope<TMessage>(context, pending)).ConfigureAwait(false);
        foreach (var report in pending.Reports)
        {
            report.Make(_metrics);
        }
    }

    /// <inheritdoc />
    public void Probe(ProbeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.CreateFilterScope("resoluteRunTelemetry");
    }
}

/// <summary>Adds a <see cref="RunTelemetryFilter{TMessage}"/> to the pipe of every message type the endpoint consumes.</summary>
internal sealed class RunTelemetryConfigurationObserver : ConfigurationObserver, IMessageConfigurationObserver
{
    private readonly FlowRunMetrics? _metrics;

    public RunTelemetryConfigurationObserver(IConsumePipeConfigurator configurator, FlowRunMetrics? metrics)
        : base(configurator)
    {
        _metrics = metrics;
        Connect(this);
    }

    public void MessageConfigured<TMessage>(IConsumePipeConfigurator configurator)
        where TMessage : class =>
        configurator.AddPipeSpecification(new FilterPipeSpecification<ConsumeContext<TMessage>>(new RunTelemetryFilter<TMessage>(_metrics)));
}

/// <summary>Reports a run's spans and metrics on the saga endpoint once their transaction committed.</summary>
public static class RunTelemetryEndpointExtensions
{
    /// <summary>
    /// Adds the <see cref="RunTelemetryFilter{TMessage}"/> for every message type of the endpoint. Call it next to
    /// <c>UseRunWakeArming</c> (after <c>UseMessageRetry</c> and the outbox, before <c>ConfigureSaga</c>).
    /// </summary>
    /// <param name="configurator">The saga endpoint.</param>
    /// <param name="context">The bus registration context: <see cref="FlowRunMetrics"/> is taken from it when registered.</param>
    public static void UseRunTelemetry(this IConsumePipeConfigurator configurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(context);
        _ = new RunTelemetryConfigurationObserver(configurator, context.GetService<FlowRunMetrics>());
    }
}
