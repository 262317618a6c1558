namespace Resolute.Persistence.EntityFrameworkCore.RateLimits;

/// <summary>
/// The one statement that reserves starts under a limiter on one database: insert the limiter's row, or move its next
/// free time to <c>max(next free, not before) + advance</c>, and return the new next free time — atomically, locking the
/// row until the transaction ends. One implementation per EF Core provider; the ledger picks the one whose
/// <see cref="ProviderName"/> matches the DbContext's.
/// </summary>
public interface IRateLimitStatement
{
    /// <summary>The EF Core provider this statement is for, as <c>DatabaseFacade.ProviderName</c> reports it.</summary>
    string ProviderName { get; }

    /// <summary>
    /// Formats the statement for <paramref name="table"/> (quoted), with parameters <c>@limiter_key</c>,
    /// <c>@not_before</c> and <c>@advance</c> (ticks); it returns one row with one <c>bigint</c>: the new next free time.
    /// </summary>
    string FormatReserve(string table);
}
