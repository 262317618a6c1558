using MassTransit;

namespace Resolute.Persistence.EntityFrameworkCore.Saga;

/// <summary>
/// The <see cref="ResoluteDbContext"/> of the saga message being handled: the repository puts it on the consume context,
/// and what must commit with the run (history rows, outbox rows, rate-limit slots) uses its transaction.
/// </summary>
internal static class SagaMessageDbContext
{
    /// <summary>The message's context.</summary>
    /// <param name="context">The consume context of a FlowRun saga message.</param>
    /// <param name="user">Who needs it, for the error (e.g. "the run history").</param>
    /// <param name="remedy">What else the user can do, appended to the error; null for nothing.</param>
    /// <exception cref="InvalidOperationException">The saga is not stored by Resolute's EF Core repository.</exception>
    public static ResoluteDbContext Of(ConsumeContext context, string user, string? remedy = null) =>
        context.TryGetPayload<ResoluteDbContext>(out var db)
            ? db
            : throw new InvalidOperationException(
                $"{user} found no ResoluteDbContext on the consume context: the FlowRun saga must be stored by Resolute's EF Core "
                + "saga repository (.Repository(r => r.UseResoluteEntityFramework<ResoluteDbContext>()))" + (remedy is null ? "." : $"; {remedy}"));
}
