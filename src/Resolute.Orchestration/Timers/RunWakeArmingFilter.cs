using MassTransit;
using MassTransit.Configuration;
using MassTransit.Context;

namespace Resolute.Orchestration.Timers;

/// <summary>
/// Gives each consume of the saga endpoint an empty <see cref="RunWakeAfterCommit"/>, lets the saga run, and when the
/// pipeline returned successfully — the saga repository committed — arms the noted wake-up time. If the pipeline
/// throws (rolled back), nothing is armed. Added by <see cref="RunWakeArmingExtensions.UseRunWakeArming"/>.
/// </summary>
/// <typeparam name="TMessage">The consumed message type.</typeparam>
public sealed class RunWakeArmingFilter<TMessage> : IFilter<ConsumeContext<TMessage>>
    where TMessage : class
{
    private readonly RunWakeSchedule _schedule;

    internal RunWakeArmingFilter(RunWakeSchedule schedule) => _schedule = schedule;

    /// <inheritdoc />
    public async Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        var pending = new RunWakeAfterCommit();
        await next.Send(new ConsumeContextScope<TMessage>(context, pending)).ConfigureAwait(false);
        if (pending.DueAt is { } dueAt)
        {
            _schedule.Arm(dueAt);
        }
    }

    /// <inheritdoc />
    public void Probe(ProbeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.CreateFilterScope("resoluteRunWakeArming");
    }
}

/// <summary>Adds a <see cref="RunWakeArmingFilter{TMessage}"/> to the pipe of every message type the endpoint consumes.</summary>
internal sealed class RunWakeArmingConfigurationObserver : ConfigurationObserver, IMessageConfigurationObserver
{
    private readonly RunWakeSchedule _schedule;

    public RunWakeArmingConfigurationObserver(IConsumePipeConfigurator configurator, RunWakeSchedule schedule)
        : base(configurator)
    {
        _schedule = schedule;
        Connect(this);
    }

    public void MessageConfigured<TMessage>(IConsumePipeConfigurator configurator)
        where TMessage : class =>
        configurator.AddPipeSpecification(new FilterPipeSpecification<ConsumeContext<TMessage>>(new RunWakeArmingFilter<TMessage>(_schedule)));
}
