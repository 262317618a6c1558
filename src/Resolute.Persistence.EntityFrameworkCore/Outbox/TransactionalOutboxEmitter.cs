using MassTransit;
using Resolute.Orchestration.Decisions;
using Resolute.Orchestration.Runs;
using Resolute.Orchestration.Sagas;
using Resolute.Persistence.EntityFrameworkCore.Saga;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>
/// Emits a decision's commands and events into the transactional outbox: one <see cref="OutboxMessage"/> row each, added
/// to the per-message <see cref="ResoluteDbContext"/> of the saga repository, so that they commit — or roll back — with
/// the saga's state. Nothing is sent here; <see cref="OutboxDeliveryFilter{TMessage}"/> sends the rows after the commit,
/// and <see cref="OutboxDeliveryService"/> sends whatever it left behind.
/// </summary>
public sealed class TransactionalOutboxEmitter : IFlowRunEmitter
{
    private static readonly TimeSpan OneMicrosecond = TimeSpan.FromMicroseconds(1);

    private readonly TimeProvider _time;

    /// <summary>Creates the emitter.</summary>
    /// <param name="time">Stamps <see cref="OutboxMessage.CreatedAt"/>.</param>
    public TransactionalOutboxEmitter(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">
    /// The consume context carries no <see cref="ResoluteDbContext"/>: the saga is not stored by Resolute's EF Core
    /// repository, so there is no transaction the rows could join. Or a message is not a Resolute.Contracts type.
    /// </exception>
    public Task EmitAsync(ConsumeContext context, FlowRunDecision decision)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Dispatches.Count == 0 && decision.Events.Count == 0)
        {
            return Task.CompletedTask;
        }

        var db = SagaMessageDbContext.Of(context, "The transactional outbox",
            "its per-message transaction is the one the outbox rows commit in. With another repository, turn the transactional outbox off (OrchestratorOptions.UseTransactionalOutbox = false).");

        // Absent when the endpoint has no OutboxDeliveryFilter: the rows then wait for the sweeper.
        context.TryGetPayload<OutboxBatch>(out var batch);
        var runId = context is SagaConsumeContext<FlowRun> saga ? saga.Saga.CorrelationId : context.CorrelationId ?? Guid.Empty;
        // Rows are delivered in (created_at, id) order. Ids of one batch need not sort as they were made, so each row is
        // a microsecond (the coarsest precision of the three databases) after the one before: a transition's messages
        // leave in the order it emitted them (a compensation's completion before the run's end, for one).
        var at = _time.GetUtcNow();

        foreach (var dispatch in decision.Dispatches)
        {
            Add(db, batch, runId, at, OutboxMessageKind.Send, dispatch.TaskQueue, dispatch.Command, dispatch.Command.GetType());
            at += OneMicrosecond;
        }

        foreach (var runEvent in decision.Events)
        {
            Add(db, batch, runId, at, OutboxMessageKind.Publish, null, runEvent, runEvent.GetType());
            at += OneMicrosecond;
        }

        return Task.CompletedTask;
    }

    private static void Add(ResoluteDbContext db, OutboxBatch? batch, Guid runId, DateTimeOffset now, OutboxMessageKind kind, string? queue, object message, Type type)
    {
        if (kind == OutboxMessageKind.Send && string.IsNullOrWhiteSpace(queue))
        {
            throw new InvalidOperationException($"A {type.Name} of run {runId} has no destination queue.");
        }

        var row = new OutboxMessage
        {
            Id = NewId.NextGuid(),
            RunId = runId,
            CreatedAt = now,
            Kind = kind,
            DestinationQueue = queue,
            MessageType = OutboxContracts.NameOf(type),
            Body = OutboxContracts.Serialize(message, type),
        };
        db.OutboxMessages.Add(row);
        batch?.Add(row, message, type);
    }
}
