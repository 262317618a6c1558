using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Resolute.Persistence.EntityFrameworkCore.Saga;

/// <summary>Turns database races into MassTransit's <see cref="ConcurrencyException"/>, which message retry handles.</summary>
internal static class SagaConcurrency
{
    public static ConcurrencyException Conflict<TSaga>(Guid correlationId, Exception exception)
        where TSaga : class, ISaga
    {
        var what = exception is DbUpdateConcurrencyException
            ? "the row changed since it was loaded (version check)"
            : "another transaction won a race on the row (duplicate key, deadlock or serialization failure)";
        return new ConcurrencyException(
            $"Saga {typeof(TSaga).Name} {correlationId}: {what}. Handling the message again resolves it; configure message retry on the saga endpoint.",
            typeof(TSaga),
            correlationId,
            exception);
    }
}
