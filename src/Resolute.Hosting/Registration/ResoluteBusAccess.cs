using MassTransit;
using MassTransit.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;

namespace Resolute;

/// <summary>
/// Which bus Resolute lives on: the application's one bus (<see cref="IBus"/>) or a bus of its own beside it
/// (MassTransit MultiBus, <c>AddMassTransit&lt;TBus&gt;</c>). Everything of Resolute that sends outside a consumer — the
/// client, the timer poller, the outbox sweeper, schedule ticks — and the endpoint connector resolve the bus through this.
/// </summary>
internal sealed class ResoluteBusAccess
{
    private ResoluteBusAccess(Type busType, Func<IServiceProvider, IBus> bus, Func<IServiceProvider, IReceiveEndpointConnector> connector)
    {
        BusType = busType;
        Bus = bus;
        Connector = connector;
    }

    /// <summary>The bus's service type: <see cref="IBus"/> or the MultiBus interface.</summary>
    public Type BusType { get; }

    public Func<IServiceProvider, IBus> Bus { get; }

    public Func<IServiceProvider, IReceiveEndpointConnector> Connector { get; }

    /// <summary>The application's (only or main) bus.</summary>
    public static ResoluteBusAccess Default { get; } = new(
        typeof(IBus),
        sp => sp.GetRequiredService<IBus>(),
        sp => sp.GetRequiredService<IReceiveEndpointConnector>());

    /// <summary>A MultiBus bus.</summary>
    public static ResoluteBusAccess For<TBus>()
        where TBus : class, IBus =>
        new(
            typeof(TBus),
            sp => sp.GetRequiredService<TBus>(),
            sp => sp.GetRequiredService<Bind<TBus, IReceiveEndpointConnector>>().Value);

    /// <summary>Creates <typeparamref name="T"/> with the Resolute bus for its <see cref="IBus"/> parameter.</summary>
    public T Create<T>(IServiceProvider services) => ActivatorUtilities.CreateInstance<T>(services, Bus(services));
}
