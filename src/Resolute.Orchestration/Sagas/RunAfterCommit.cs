using MassTransit;
using MassTransit.Configuration;
using MassTransit.Context;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Orchestration.Telemetry;
using Resolute.Orchestration.Timers;

namespace Resolute.Orchestration.Sagas;

/// <summary>
/// What one consume of the saga leaves for after its transaction committed: the run's wake-up time, armed on the
/// <see cref="RunWakeSchedule"/> (so the timer loop, which only reads the database, never looks for a row it cannot see
/// yet), and the run's spans and metrics (so a message rolled back and retried reports once). A payload of the consume
/// context, added by <see cref="RunAfterCommitFilter{TMessage}"/>; without that filter (a saga hosted another way) the
/// wake-up is left to the timer loop's poll and telemetry is reported at once.
/// </summary>
public sealed class RunAfterCommit
{
    private List<RunTelemetryReport>? _reports;

    internal DateTimeOffset? DueAt { get; private set; }

    internal IReadOnlyList<RunTelemetryReport> Reports => _reports ?? (IReadOnlyList<RunTelemetryReport>)[];

    /// <summary>
    /// Notes the run's <c>NextWakeAt</c> after a decision (the last call wins, as the last state is what commits). Does
    /// nothing when <paramref name="dueAt"/> is null or the endpoint has no filter (the timer loop's poll still finds the run).
    /// </summary>
    /// <param name="context">The saga's consume context.</param>
    /// <param name="dueAt">The run's <c>NextWakeAt</c>.</param>
    public static void NoteWake(PipeContext context, DateTimeOffset? dueAt)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.TryGetPayload<RunAfterCommit>(out var pending))
        {
            pending.DueAt = dueAt;
        }
    }

    /// <summary>Notes <paramref name="report"/> for after the commit, or makes it now when the endpoint has no filter.</summary>
    /// <param name="context">The saga's consume context.</param>
    /// <param name="report">The run's spans and metrics of this message.</param>
    /// <param name="metrics">The instruments; null when metrics are not registered.</param>
    public static void NoteTelemetry(PipeContext context, RunTelemetryReport report, FlowRunMetrics? metrics)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        if (context.TryGetPayload<RunAfterCommit>(out var pending))
        {
            (pending._reports ??= []).Add(report);
            return;
        }

        report.Make(metrics);
    }
}

/// <summary>
/// Gives each consume of the saga endpoint an empty <see cref="RunAfterCommit"/>, lets the saga run, and when the
/// pipeline returned — the saga repository committed — arms the noted wake-up time and reports the noted spans and
/// metrics. If the pipeline throws (rolled back), nothing is armed or reported. Added by
/// <see cref="RunAfterCommitEndpointExtensions.UseRunAfterCommit"/>.
/// </summary>
/// <typeparam name="TMessage">The consumed message type.</typeparam>
public sealed class RunAfterCommitFilter<TMessage> : IFilter<ConsumeContext<TMessage>>
    where TMessage : class
{
    private readonly RunWakeSchedule _schedule;
    private readonly FlowRunMetrics? _metrics;

    internal RunAfterCommitFilter(RunWakeSchedule schedule, FlowRunMetrics? metrics)
    {
        _schedule = schedule;
        _metrics = metrics;
    }

    /// <inheritdoc />
    public async Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        var pending = new RunAfterCommit();
        await next.Send(new ConsumeContextScope<TMessage>(context, pending)).ConfigureAwait(false);
        if (pending.DueAt is { } dueAt)
        {
            _schedule.Arm(dueAt);
        }

        foreach (var report in pending.Reports)
        {
            report.Make(_metrics);
        }
    }

    /// <inheritdoc />
    public void Probe(ProbeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.CreateFilterScope("resoluteRunAfterCommit");
    }
}

/// <summary>Adds a <see cref="RunAfterCommitFilter{TMessage}"/> to the pipe of every message type the endpoint consumes.</summary>
internal sealed class RunAfterCommitConfigurationObserver : ConfigurationObserver, IMessageConfigurationObserver
{
    private readonly RunWakeSchedule _schedule;
    private readonly FlowRunMetrics? _metrics;

    public RunAfterCommitConfigurationObserver(IConsumePipeConfigurator configurator, RunWakeSchedule schedule, FlowRunMetrics? metrics)
        : base(configurator)
    {
        _schedule = schedule;
        _metrics = metrics;
        Connect(this);
    }

    public void MessageConfigured<TMessage>(IConsumePipeConfigurator configurator)
        where TMessage : class =>
        configurator.AddPipeSpecification(new FilterPipeSpecification<ConsumeContext<TMessage>>(new RunAfterCommitFilter<TMessage>(_schedule, _metrics)));
}

/// <summary>Arms run timers and reports runs' telemetry on the saga endpoint once their transaction committed.</summary>
public static class RunAfterCommitEndpointExtensions
{
    /// <summary>
    /// Adds the <see cref="RunAfterCommitFilter{TMessage}"/> for every message type of the endpoint. Call it after
    /// <c>UseMessageRetry</c> and the outbox (so it sits next to the saga repository and acts right after its commit)
    /// and before <c>ConfigureSaga</c>. Needs a <see cref="RunWakeSchedule"/> singleton; takes
    /// <see cref="FlowRunMetrics"/> when one is registered.
    /// </summary>
    /// <param name="configurator">The saga endpoint.</param>
    /// <param name="context">The bus registration context (the application's services).</param>
    public static void UseRunAfterCommit(this IConsumePipeConfigurator configurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(context);
        var schedule = context.GetService<RunWakeSchedule>() ?? throw new InvalidOperationException(
            "UseRunAfterCommit: no RunWakeSchedule is registered. Register it as a singleton (AddResolute does) or leave the filter off.");
        _ = new RunAfterCommitConfigurationObserver(configurator, schedule, context.GetService<FlowRunMetrics>());
    }
}
