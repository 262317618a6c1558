using MassTransit;

namespace Resolute;

/// <summary>
/// A bus of Resolute's own beside the application's (MassTransit MultiBus):
/// <c>services.AddMassTransit&lt;IResoluteBus&gt;(x =&gt; { x.AddResolute(r =&gt; …); x.UsingRabbitMq(…); })</c>.
/// Any interface deriving from <see cref="IBus"/> works the same; this one saves declaring it.
/// </summary>
public interface IResoluteBus : IBus;
