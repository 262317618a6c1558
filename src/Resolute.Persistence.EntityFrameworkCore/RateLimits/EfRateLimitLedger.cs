using System.Data.Common;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Resolute.Orchestration.RateLimits;
using Resolute.Persistence.EntityFrameworkCore.Configuration;
using Resolute.Persistence.EntityFrameworkCore.Saga;

namespace Resolute.Persistence.EntityFrameworkCore.RateLimits;

/// <summary>
/// The limiters' ledger in the saga database: one <c>resolute_rate_limits</c> row per limiter, moved by one statement per
/// limiter and message, on the saga's own connection and transaction — so a message that rolls back gives its slots
/// back, and on SQLite the reservation takes no second writer turn.
/// </summary>
public sealed class EfRateLimitLedger : IRateLimitLedger
{
    private readonly IReadOnlyList<IRateLimitStatement> _statements;

    /// <summary>Creates the ledger over the statements registered per provider.</summary>
    public EfRateLimitLedger(IEnumerable<IRateLimitStatement> statements)
    {
        ArgumentNullException.ThrowIfNull(statements);
        _statements = statements.ToList();
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The consume context carries no <see cref="ResoluteDbContext"/>, or no statement is registered for its provider.</exception>
    public async Task<IReadOnlyList<RateLimitReservation>> ReserveAsync(ConsumeContext context, IReadOnlyList<RateLimitRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requests);
        var db = SagaMessageDbContext.Of(context, "The rate-limit ledger");

        return await ReserveAsync(db, requests, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reserves one slot per request on <paramref name="db"/>'s connection, in its current transaction (if any).</summary>
    /// <param name="db">The context whose connection and transaction to use.</param>
    /// <param name="requests">The requests.</param>
    /// <param name="cancellationToken">Cancels the reservation.</param>
    /// <returns>The slots, grouped per limiter in key order.</returns>
    /// <exception cref="InvalidOperationException">No statement is registered for the context's provider.</exception>
    public async Task<IReadOnlyList<RateLimitReservation>> ReserveAsync(DbContext db, IReadOnlyList<RateLimitRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(requests);
        var providerName = db.Database.ProviderName;
        var statement = _statements.LastOrDefault(s => s.ProviderName == providerName) ?? throw new InvalidOperationException(
            $"No rate-limit statement is registered for EF Core provider '{providerName}'. Use UsePostgres, UseSqlServer or UseSqlite in AddResolutePersistence.");
        var sql = statement.FormatReserve(RateLimiterStateConfiguration.TableName);

        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = db.Database.GetDbConnection();
            var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var reservations = new List<RateLimitReservation>(requests.Count);
            // Key order: two messages lock limiter rows in the same order and cannot deadlock on them.
            foreach (var batch in RateLimitBatch.Group(requests))
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql;
                Add(command, "@limiter_key", batch.LimiterKey);
                Add(command, "@not_before", batch.NotBefore.UtcTicks);
                Add(command, "@advance", batch.Advance.Ticks);
                var nextFree = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                reservations.AddRange(batch.SlotsEndingAt(new DateTimeOffset(nextFree, TimeSpan.Zero)));
            }

            return reservations;
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
