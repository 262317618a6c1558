using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Resolute.Orchestration.Timers;

/// <summary>Arms run timers on the saga endpoint once their transaction committed.</summary>
public static class RunWakeArmingExtensions
{
    /// <summary>
    /// Adds the <see cref="RunWakeArmingFilter{TMessage}"/> for every message type of the endpoint. Call it after
    /// <c>UseMessageRetry</c> and the outbox (so it sits next to the saga repository and arms right after its commit) and
    /// before <c>ConfigureSaga</c>. Needs a <see cref="RunWakeSchedule"/> singleton.
    /// </summary>
    /// <param name="configurator">The saga endpoint.</param>
    /// <param name="context">The bus registration context (the application's services).</param>
    public static void UseRunWakeArming(this IConsumePipeConfigurator configurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(context);
        var schedule = context.GetService<RunWakeSchedule>() ?? throw new InvalidOperationException(
            "UseRunWakeArming: no RunWakeSchedule is registered. Register it as a singleton (AddResolute does) or leave the filter off.");
        _ = new RunWakeArmingConfigurationObserver(configurator, schedule);
    }
}
