using MassTransit;
using MassTransit.Configuration;
using MassTransit.Context;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>
/// The saga endpoint's outbox filter. It sits outside the saga repository (so outside its per-message transaction) and
/// inside message retry: it gives each attempt an empty batch payload, lets the saga run — the repository commits the
/// saga state, the inbox row and the outbox rows together — and only when that returned successfully sends the batch's
/// messages (MessageId = row id) and queues their rows for deletion (deleted in bulk, many messages per statement). If
/// the saga pipeline throws (the transaction rolled back), nothing is sent. A failed delivery is logged, never thrown:
/// the rows are committed, and <see cref="OutboxDeliveryService"/> sends them.
/// Added by <see cref="ResoluteOutboxEndpointExtensions.UseResoluteOutbox"/>.
/// </summary>
/// <typeparam name="TMessage">The consumed message type.</typeparam>
public sealed class OutboxDeliveryFilter<TMessage> : IFilter<ConsumeContext<TMessage>>
    where TMessage : class
{
    private readonly OutboxDispatcher _dispatcher;

    internal OutboxDeliveryFilter(OutboxDispatcher dispatcher) => _dispatcher = dispatcher;

    /// <inheritdoc />
    public async Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        var batch = new OutboxBatch();
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        await next.Send(new ConsumeContextScope<TMessage>(context, batch)).ConfigureAwait(false);
        var t1 = System.Diagnostics.Stopwatch.GetTimestamp();

        // The saga pipeline returned: its transaction committed.
        await _dispatcher.DeliverCommittedAsync(context, batch).ConfigureAwait(false);
        var t2 = System.Diagnostics.Stopwatch.GetTimestamp();
        ExpTiming.Add(t1 - t0, t2 - t1);
    }

    /// <inheritdoc />
    public void Probe(ProbeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.CreateFilterScope("resoluteTransactionalOutbox");
    }
}

/// <summary>Adds an <see cref="OutboxDeliveryFilter{TMessage}"/> to the pipe of every message type the endpoint consumes.</summary>
internal sealed class OutboxDeliveryConfigurationObserver : ConfigurationObserver, IMessageConfigurationObserver
{
    private readonly OutboxDispatcher _dispatcher;

    public OutboxDeliveryConfigurationObserver(IConsumePipeConfigurator configurator, OutboxDispatcher dispatcher)
        : base(configurator)
    {
        _dispatcher = dispatcher;
        Connect(this);
    }

    public void MessageConfigured<TMessage>(IConsumePipeConfigurator configurator)
        where TMessage : class =>
        configurator.AddPipeSpecification(new FilterPipeSpecification<ConsumeContext<TMessage>>(new OutboxDeliveryFilter<TMessage>(_dispatcher)));
}

internal static class ExpTiming
{
    private static long _n, _saga, _deliver;
    static ExpTiming() => AppDomain.CurrentDomain.ProcessExit += (_, _) => Console.Error.WriteLine($"EXP n={_n} saga={1000.0 * _saga / System.Diagnostics.Stopwatch.Frequency / Math.Max(1, _n):0.000}ms deliver={1000.0 * _deliver / System.Diagnostics.Stopwatch.Frequency / Math.Max(1, _n):0.000}ms");
    public static void Add(long saga, long deliver) { Interlocked.Increment(ref _n); Interlocked.Add(ref _saga, saga); Interlocked.Add(ref _deliver, deliver); }
}
