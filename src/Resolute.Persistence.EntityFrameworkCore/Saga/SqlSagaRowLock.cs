using System.Collections.Concurrent;
using System.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Resolute.Persistence.EntityFrameworkCore.Saga;

/// <summary>
/// Base of row locks that load with a raw, locking <c>SELECT</c>. The table and key column come from the EF Core model
/// and are quoted by the provider, so the statement follows whatever mapping the saga has.
/// </summary>
public abstract class SqlSagaRowLock : ISagaRowLock
{
    private readonly ConcurrentDictionary<(Type Context, Type Saga), string> _statements = new();

    /// <inheritdoc />
    public abstract string ProviderName { get; }

    /// <summary>Read committed: the lock, not the isolation level, serialises writers of one instance.</summary>
    public virtual IsolationLevel IsolationLevel => IsolationLevel.ReadCommitted;

    /// <inheritdoc />
    public async Task<TSaga?> LoadAsync<TSaga>(DbContext dbContext, Guid correlationId, CancellationToken cancellationToken)
        where TSaga : class, ISaga
    {
        ArgumentNullException.ThrowIfNull(dbContext);

        var statement = GetStatement<TSaga>(dbContext);

        // ToList rather than SingleOrDefault: EF then runs the statement as written instead of wrapping it in a sub-query.
        var rows = await dbContext.Set<TSaga>()
            .FromSqlRaw(statement, correlationId)
            .AsTracking()
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);

        return rows.Count switch
        {
            0 => null,
            1 => rows[0],
            _ => throw new InvalidOperationException(
                $"{rows.Count} rows of {typeof(TSaga).Name} have the correlation id {correlationId}: the key mapping is wrong."),
        };
    }

    /// <inheritdoc />
    public abstract bool IsConcurrencyConflict(Exception exception);

    /// <summary>
    /// Formats the locking statement. <paramref name="table"/> and <paramref name="keyColumn"/> are already quoted; the
    /// correlation id is the parameter placeholder <c>{0}</c>.
    /// </summary>
    /// <param name="table">The quoted (schema-qualified) table name.</param>
    /// <param name="keyColumn">The quoted correlation-id column.</param>
    protected abstract string FormatStatement(string table, string keyColumn);

    /// <summary>Walks <paramref name="exception"/> and its inner exceptions.</summary>
    /// <param name="exception">The outermost exception.</param>
    protected static IEnumerable<Exception> Chain(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    /// <summary>The locking statement for <typeparamref name="TSaga"/> in <paramref name="dbContext"/>'s model (cached).</summary>
    internal string GetStatement<TSaga>(DbContext dbContext)
        where TSaga : class, ISaga =>
        _statements.GetOrAdd((dbContext.GetType(), typeof(TSaga)), _ => BuildStatement<TSaga>(dbContext));

    private string BuildStatement<TSaga>(DbContext dbContext)
        where TSaga : class, ISaga
    {
        var entityType = dbContext.Model.FindEntityType(typeof(TSaga))
            ?? throw new InvalidOperationException($"{dbContext.GetType().Name} does not map the saga type {typeof(TSaga).Name}.");
        var table = entityType.GetTableName()
            ?? throw new InvalidOperationException($"{typeof(TSaga).Name} is not mapped to a table.");
        var schema = entityType.GetSchema();
        var keyColumn = entityType.FindProperty(nameof(ISaga.CorrelationId))?.GetColumnName(StoreObjectIdentifier.Table(table, schema))
            ?? throw new InvalidOperationException($"{typeof(TSaga).Name}.{nameof(ISaga.CorrelationId)} is not mapped to a column of {table}.");

        var sql = dbContext.GetService<ISqlGenerationHelper>();
        return FormatStatement(sql.DelimitIdentifier(table, schema), sql.DelimitIdentifier(keyColumn));
    }
}
