using Microsoft.EntityFrameworkCore;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>
/// Watches the transactional outbox at its three points (<see cref="OutboxPoint"/>). Register any number with
/// <c>services.AddSingleton&lt;IOutboxObserver, MyObserver&gt;()</c>; with none registered the outbox does no extra work.
/// Uses: metrics, audits, and fault injection in tests — a throw at <see cref="OutboxPoint.BeforeCommit"/> rolls the saga's
/// transaction back; a throw at <see cref="OutboxPoint.AfterCommitBeforeDelivery"/> abandons the fast path, as a crash
/// would, and the sweeper delivers the rows later; a throw at <see cref="OutboxPoint.Delivered"/> is logged and ignored.
/// </summary>
public interface IOutboxObserver
{
    /// <summary>Called at each point, in registration order, on the thread of the saga message or the sweeper.</summary>
    /// <param name="observation">Where, and which rows.</param>
    /// <returns>A task; the outbox waits for it.</returns>
    Task ObserveAsync(OutboxObservation observation);
}

/// <summary>Where <see cref="IOutboxObserver.ObserveAsync"/> is called.</summary>
public enum OutboxPoint
{
    /// <summary>
    /// Inside the saga's transaction, after the outbox rows were written to the database, right before commit.
    /// Called for every transaction that wrote outbox rows.
    /// </summary>
    BeforeCommit,

    /// <summary>
    /// After the saga's transaction committed, before the fast path delivers the stored messages. Called for every saga
    /// message whose pipeline completed, with or without stored messages.
    /// </summary>
    AfterCommitBeforeDelivery,

    /// <summary>After messages left for the broker: by the fast path, or by the sweeper (rows a crash or a failure left).</summary>
    Delivered,
}

/// <summary>What <see cref="IOutboxObserver.ObserveAsync"/> is told.</summary>
/// <param name="Point">Where it is called.</param>
/// <param name="Messages">The outbox rows concerned (written, about to be delivered, or delivered); may be empty.</param>
/// <param name="DbContext">
/// At <see cref="OutboxPoint.BeforeCommit"/>: the DbContext whose transaction is about to commit (a query through it
/// sees the uncommitted rows). <see langword="null"/> elsewhere.
/// </param>
public sealed record OutboxObservation(OutboxPoint Point, IReadOnlyList<OutboxMessage> Messages, DbContext? DbContext = null);
