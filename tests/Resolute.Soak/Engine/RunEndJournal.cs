using System.Collections.Concurrent;
using MassTransit;
using Resolute.Contracts;

namespace Resolute.Soak;

/// <summary>One run-ended event as received: which run, which message (a redelivered copy keeps its MessageId), what status.</summary>
/// <param name="RunId">The run.</param>
/// <param name="MessageId">The event's MessageId (the orchestrator's outbox row id).</param>
/// <param name="Status">The status the event announced.</param>
/// <param name="ReceivedAt">When it was received.</param>
public sealed record RunEndedEvent(Guid RunId, Guid? MessageId, RunStatus Status, DateTimeOffset ReceivedAt);

/// <summary>
/// Every <see cref="FlowRunCompleted"/> and <see cref="FlowRunFailed"/> the orchestrators publish, received on a durable
/// queue of the soak's virtual host (so events published while RabbitMQ restarts wait there): a run announced ended by
/// two different messages was ended twice; the same message received twice is only a redelivery.
/// </summary>
public sealed class RunEndJournal
{
    /// <summary>The journal's queue.</summary>
    public const string QueueName = "resolute-soak-run-ends";

    private readonly ConcurrentQueue<RunEndedEvent> _events = new();

    /// <summary>Every event received so far.</summary>
    public IReadOnlyList<RunEndedEvent> Events => _events.ToArray();

    /// <summary>Connects the journal's queue to <paramref name="bus"/> and waits until it consumes.</summary>
    public static async Task<RunEndJournal> ConnectAsync(IBus bus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var journal = new RunEndJournal();
        var handle = bus.ConnectReceiveEndpoint(QueueName, e =>
        {
            e.Handler<FlowRunCompleted>(c =>
            {
                journal._events.Enqueue(new RunEndedEvent(c.Message.RunId, c.MessageId, RunStatus.Completed, DateTimeOffset.UtcNow));
                return Task.CompletedTask;
            });
            e.Handler<FlowRunFailed>(c =>
            {
                journal._events.Enqueue(new RunEndedEvent(c.Message.RunId, c.MessageId, c.Message.Status, DateTimeOffset.UtcNow));
                return Task.CompletedTask;
            });
        });
        await handle.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        return journal;
    }
}
