using MassTransit;
using Resolute.Orchestration.Runs;

namespace Resolute.Persistence.EntityFrameworkCore.Tests.Support;

// Test messages; MassTransit correlates them by CorrelatedBy<Guid>.
public sealed record CounterStarted(Guid CorrelationId, string FlowName) : CorrelatedBy<Guid>;

/// <summary>Same as <see cref="CounterStarted"/>, but the state machine inserts the row before running the event (InsertOnInitial).</summary>
public sealed record CounterStartedInsertFirst(Guid CorrelationId, string FlowName) : CorrelatedBy<Guid>;

public sealed record CounterIncremented(Guid CorrelationId) : CorrelatedBy<Guid>;

/// <summary>Asks the saga to add an <see cref="AuditRow"/> through the DbContext payload.</summary>
public sealed record AuditRequested(Guid CorrelationId, string Note, bool SaveInActivity, bool FailAfterwards) : CorrelatedBy<Guid>;

public sealed class AuditFailedException(string message) : Exception(message);

/// <summary>
/// A tiny state machine over the real <see cref="FlowRun"/> instance: starts a run, counts increments in
/// <see cref="FlowRun.Cursor"/>, and writes audit rows through the DbContext payload.
/// </summary>
public sealed class CounterStateMachine : MassTransitStateMachine<FlowRun>
{
    public CounterStateMachine()
    {
        InstanceState(x => x.CurrentState);

        // Two ways in: the default (run the event, then INSERT) and InsertOnInitial (INSERT first, then run it).
        Event(() => Started);
        Event(() => StartedInsertFirst, e => e.InsertOnInitial = true);
        Event(() => Incremented, e => e.OnMissingInstance(m => m.Fault()));
        Event(() => AuditRequested, e => e.OnMissingInstance(m => m.Fault()));

        Initially(
            When(Started).Then(context => Start(context.Saga, context.Message.FlowName)).TransitionTo(Running),
            When(StartedInsertFirst).Then(context => Start(context.Saga, context.Message.FlowName)).TransitionTo(Running));

        During(
            Running,
            Ignore(Started),
            Ignore(StartedInsertFirst),
            When(Incremented).Then(context =>
            {
                context.Saga.Cursor++;
                context.Saga.UpdatedAt = DateTimeOffset.UtcNow;
            }),
            When(AuditRequested).ThenAsync(async context =>
            {
                if (!context.TryGetPayload<ResoluteDbContext>(out var db))
                {
                    throw new InvalidOperationException("The saga activity found no ResoluteDbContext payload.");
                }

                context.Saga.CurrentStep = context.Message.Note;
                db.Add(new AuditRow { Id = Guid.NewGuid(), RunId = context.Saga.CorrelationId, Note = context.Message.Note });
                if (context.Message.SaveInActivity)
                {
                    // The row reaches the database inside the message's transaction, before the failure below.
                    await db.SaveChangesAsync(context.CancellationToken).ConfigureAwait(false);
                }

                if (context.Message.FailAfterwards)
                {
                    throw new AuditFailedException($"Activity failed after adding audit row '{context.Message.Note}'.");
                }
            }));
    }

    public State Running { get; private set; } = null!;

    public Event<CounterStarted> Started { get; private set; } = null!;

    public Event<CounterStartedInsertFirst> StartedInsertFirst { get; private set; } = null!;

    public Event<CounterIncremented> Incremented { get; private set; } = null!;

    public Event<AuditRequested> AuditRequested { get; private set; } = null!;

    private static void Start(FlowRun run, string flowName)
    {
        run.FlowName = flowName;
        run.FlowVersion = "1";

        // A local offset on purpose: the mapping stores UTC (Npgsql refuses other offsets for timestamptz).
        run.CreatedAt = DateTimeOffset.Now.ToOffset(TimeSpan.FromHours(2));
        run.UpdatedAt = run.CreatedAt;
    }
}
