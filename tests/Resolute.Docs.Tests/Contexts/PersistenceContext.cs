using Resolute.Persistence.EntityFrameworkCore.Outbox;

namespace Resolute.Docs.Tests.Contexts.Persistence;

/// <summary>
/// The <c>persistence</c> context: the default's members, with the namespaces of the saga, the EF Core persistence and
/// the outbox imported (for the pages that wire those parts by hand), and an application's outbox observer.
/// </summary>
public class PersistenceContext : FragmentContext;

/// <summary>An application's outbox observer (counts what it sees).</summary>
public sealed class OutboxMetrics : IOutboxObserver
{
    /// <inheritdoc />
    public Task ObserveAsync(OutboxObservation observation) => Task.CompletedTask;
}
