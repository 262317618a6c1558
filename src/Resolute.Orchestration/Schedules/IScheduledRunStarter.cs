using MassTransit;
using Resolute.Contracts;

namespace Resolute.Orchestration.Schedules;

/// <summary>Publishes the <see cref="StartFlow"/> of a tick.</summary>
public interface IScheduledRunStarter
{
    /// <summary>Publishes <paramref name="start"/>.</summary>
    Task StartAsync(StartFlow start, CancellationToken cancellationToken);
}

/// <summary>Publishes ticks' starts on the bus, as any client would.</summary>
public sealed class BusScheduledRunStarter(IBus bus) : IScheduledRunStarter
{
    /// <inheritdoc />
    public Task StartAsync(StartFlow start, CancellationToken cancellationToken) => bus.Publish(start, cancellationToken);
}
