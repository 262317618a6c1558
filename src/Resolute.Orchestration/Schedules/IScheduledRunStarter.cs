using MassTransit;
using Resolute.Contracts;
using Resolute.Diagnostics;

namespace Resolute.Orchestration.Schedules;

/// <summary>Publishes the <see cref="StartFlow"/> of a tick.</summary>
public interface IScheduledRunStarter
{
    /// <summary>Publishes <paramref name="start"/>.</summary>
    Task StartAsync(StartFlow start, CancellationToken cancellationToken);
}

/// <summary>Publishes ticks' starts on the bus, as any client would, each under a <c>schedule {flow}</c> span where the run's trace begins.</summary>
public sealed class BusScheduledRunStarter(IBus bus) : IScheduledRunStarter
{
    /// <inheritdoc />
    public async Task StartAsync(StartFlow start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        using var span = ResoluteTelemetry.StartRequestSpan("schedule", start.FlowName, start.RunId);
        await bus.Publish(start, context =>
        {
            if (span is not null)
            {
                context.Headers.Set(ResoluteTelemetry.MassTransitActivityHeader, span.Id);
            }
        }, cancellationToken).ConfigureAwait(false);
    }
}
