using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>
/// The claiming queries of the outbox, in raw SQL because locking reads (<c>FOR UPDATE SKIP LOCKED</c>, <c>UPDLOCK</c>) have
/// no LINQ form. Table and column names come from the EF Core model and are quoted by the provider; parameter values go
/// through the model's type mappings, so they are stored-form values on every provider (UTC ticks and text GUIDs on SQLite).
/// </summary>
internal sealed class OutboxStatements
{
    private static readonly ConcurrentDictionary<(Type Context, Type Lock), OutboxStatements> Cache = new();

    private readonly IOutboxRowLock _rowLock;
    private readonly string _table;
    private readonly string _id;
    private readonly string _createdAt;
    private readonly IProperty _idProperty;
    private readonly IProperty _createdAtProperty;

    private OutboxStatements(IOutboxRowLock rowLock, string table, string id, string createdAt, IProperty idProperty, IProperty createdAtProperty)
    {
        _rowLock = rowLock;
        _table = table;
        _id = id;
        _createdAt = createdAt;
        _idProperty = idProperty;
        _createdAtProperty = createdAtProperty;
    }

    public static OutboxStatements For(DbContext db, IOutboxRowLock rowLock) =>
        Cache.GetOrAdd((db.GetType(), rowLock.GetType()), _ => Build(db, rowLock));

    /// <summary>
    /// Claims up to <paramref name="limit"/> rows created before <paramref name="cutoff"/>, oldest first, leaving out
    /// <paramref name="excluded"/> (rows this process cannot deliver).
    /// </summary>
    public async Task<List<OutboxMessage>> ClaimCreatedBeforeAsync(
        DbContext db,
        DateTimeOffset cutoff,
        int limit,
        IReadOnlyCollection<Guid> excluded,
        CancellationToken cancellationToken)
    {
        var parameters = new List<object>(excluded.Count + 1);
        var condition = $"{_createdAt} < @resolute_cutoff";
        var factory = db.Database.GetDbConnection().CreateCommand();
        await using (factory.ConfigureAwait(false))
        {
            parameters.Add(CreateParameter(factory, _createdAtProperty, "@resolute_cutoff", cutoff));
            if (excluded.Count > 0)
            {
                var names = new List<string>(excluded.Count);
                foreach (var id in excluded)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"@resolute_skip{names.Count}");
                    names.Add(name);
                    parameters.Add(CreateParameter(factory, _idProperty, name, id));
                }

                condition += $" AND {_id} NOT IN ({string.Join(", ", names)})";
            }
        }

        var sql = _rowLock.FormatClaimStatement(_table, condition, $"{_createdAt}, {_id}", limit);
        return await db.Set<OutboxMessage>().FromSqlRaw(sql, [.. parameters]).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Claims the rows among <paramref name="ids"/> that no other transaction holds (a fast path's own batch: a sweeper may
    /// have taken some).
    /// </summary>
    public async Task<List<OutboxMessage>> ClaimAsync(DbContext db, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var parameters = new List<object>(ids.Count);
        var factory = db.Database.GetDbConnection().CreateCommand();
        await using (factory.ConfigureAwait(false))
        {
            foreach (var id in ids)
            {
                parameters.Add(CreateParameter(factory, _idProperty, string.Create(CultureInfo.InvariantCulture, $"@resolute_id{parameters.Count}"), id));
            }
        }

        var names = string.Join(", ", Enumerable.Range(0, ids.Count).Select(i => string.Create(CultureInfo.InvariantCulture, $"@resolute_id{i}")));
        var sql = _rowLock.FormatClaimStatement(_table, $"{_id} IN ({names})", $"{_createdAt}, {_id}", ids.Count);
        return await db.Set<OutboxMessage>().FromSqlRaw(sql, [.. parameters]).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbParameter CreateParameter(DbCommand factory, IProperty property, string name, object value) =>
        property.GetRelationalTypeMapping().CreateParameter(factory, name, value, nullable: false);

    private static OutboxStatements Build(DbContext db, IOutboxRowLock rowLock)
    {
        var entityType = db.Model.FindEntityType(typeof(OutboxMessage))
            ?? throw new InvalidOperationException($"{db.GetType().Name} does not map {nameof(OutboxMessage)}; derive it from {nameof(ResoluteDbContext)}.");
        var table = entityType.GetTableName()
            ?? throw new InvalidOperationException($"{nameof(OutboxMessage)} is not mapped to a table.");
        var store = StoreObjectIdentifier.Table(table, entityType.GetSchema());
        var idProperty = entityType.FindProperty(nameof(OutboxMessage.Id))!;
        var createdAtProperty = entityType.FindProperty(nameof(OutboxMessage.CreatedAt))!;

        var sql = db.GetService<ISqlGenerationHelper>();
        return new OutboxStatements(
            rowLock,
            sql.DelimitIdentifier(table, entityType.GetSchema()),
            sql.DelimitIdentifier(idProperty.GetColumnName(store)!),
            sql.DelimitIdentifier(createdAtProperty.GetColumnName(store)!),
            idProperty,
            createdAtProperty);
    }
}
