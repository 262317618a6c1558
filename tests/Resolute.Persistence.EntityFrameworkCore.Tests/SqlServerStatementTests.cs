using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Resolute.Orchestration.RateLimits;
using Resolute.Orchestration.Runs;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.EntityFrameworkCore.RateLimits;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;
using Xunit.Abstractions;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// The raw SQL Resolute runs on SQL Server, where no SQL Server runs: each statement is produced by the engine's own code
/// path (saga row lock, outbox claim and delete, rate-limit ledger) on a SQL Server DbContext whose connection records
/// instead of sending, then parsed by SQL Server's T-SQL parser. Beyond syntax: the lock hints, the table and column names
/// against the EF model's SQL Server mapping, and that every value travels as a parameter.
/// </summary>
[Trait("Area", "Operations")]
public sealed class SqlServerStatementTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly IModel Model = SqlServerModel();
    private readonly RecordingSqlServerConnection _recorder = new(Model.GetEntityTypes().SelectMany(Columns));
    private ServiceProvider _services = null!;

    public Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddResolutePersistence(p => p
            .UseSqlServer("Server=sqlserver.invalid;Database=resolute;TrustServerCertificate=true")
            .ConfigureDbContext(o => o.AddInterceptors(_recorder)));
        services.AddResoluteOutbox(_ => { });
        _services = services.BuildServiceProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        foreach (var command in _recorder.Commands)
        {
            output.WriteLine($"{command.Text}\n  -- {string.Join(", ", command.Parameters.Select(p => $"{p.Name} {p.Type}"))}{(command.InTransaction ? ", in a transaction" : string.Empty)}");
        }
    }

    [Fact]
    public async Task The_saga_row_lock_reads_the_run_by_its_key_with_UPDLOCK_and_ROWLOCK_in_the_messages_transaction()
    {
        var id = Guid.NewGuid();

        var command = await SagaRowLockCommandAsync(id);

        AssertSagaRowLock(command, id);
    }

    [Fact]
    public async Task The_outbox_claim_takes_the_oldest_rows_with_UPDLOCK_READPAST_and_ROWLOCK_and_binds_every_value()
    {
        var cutoff = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.FromHours(2));
        Guid[] excluded = [Guid.NewGuid(), Guid.NewGuid()];

        var command = await OutboxClaimCommandAsync(cutoff, 25, excluded);

        AssertOutboxClaim(command, cutoff, 25, excluded);
    }

    [Fact]
    public async Task The_outbox_delete_of_delivered_rows_names_the_outbox_table_and_binds_the_ids()
    {
        var dispatcher = _services.GetRequiredService<OutboxDispatcher>();
        Guid[] ids = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];

        // The claim is stood in for (the recording connection returns no rows); every row counts as delivered.
        var rows = ids.Select(id => new OutboxMessage { Id = id }).ToList();
        await dispatcher.ClaimAndDeliverAsync((_, _, _) => Task.FromResult(rows), (_, _) => Task.FromResult(true), CancellationToken.None);
        var command = Assert.Single(_recorder.Commands, c => c.Text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase));

        var sql = Parsed(command, "the outbox delete");
        var delete = Assert.IsType<DeleteStatement>(Assert.Single(sql.TopLevelStatements));
        var target = Assert.IsType<NamedTableReference>(delete.DeleteSpecification.Target);
        var table = Assert.Single(sql.All<NamedTableReference>(), t => t != target);
        Assert.Equal(Table<OutboxMessage>(), TransactSql.TableName(table.SchemaObject));

        // DELETE [alias] FROM [table] AS [alias]: the target is the outbox table under its alias.
        Assert.Equal(table.Alias?.Value ?? TransactSql.TableName(table.SchemaObject), TransactSql.TableName(target.SchemaObject));
        Assert.Subset(Columns(Model.FindEntityType(typeof(OutboxMessage))!).ToHashSet(), ColumnsReferenced(sql));
        AssertValuesAreParameters(command, sql, ids.Cast<object>());
        Assert.True(command.InTransaction, "the delete ran outside the delivering transaction: its rows were not held while their messages left");
    }

    [Fact]
    public async Task The_rate_limit_reservation_is_one_MERGE_WITH_HOLDLOCK_on_the_limiter_table_with_its_values_as_parameters()
    {
        var ledger = Assert.IsType<EfRateLimitLedger>(_services.GetRequiredService<IRateLimitLedger>());
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
        var notBefore = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        var request = new RateLimitRequest(Guid.NewGuid(), "shared:external-api", TimeSpan.FromMilliseconds(250), notBefore);
        _recorder.ScalarResult = (notBefore + (2 * request.Interval)).UtcTicks;

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await ledger.ReserveAsync(db, [request, request with { ExecutionId = Guid.NewGuid() }], CancellationToken.None);
            await transaction.CommitAsync();
        }

        // One statement per limiter, whatever the number of slots.
        var command = Assert.Single(_recorder.Commands);
        var sql = Parsed(command, "the rate-limit reservation");
        var merge = Assert.IsType<MergeStatement>(Assert.Single(sql.TopLevelStatements));
        var target = Assert.IsType<NamedTableReference>(merge.MergeSpecification.Target);
        Assert.Equal(Table<RateLimiterState>(), TransactSql.TableName(target.SchemaObject));

        // HOLDLOCK: the key-range lock that makes "update, else insert" one atomic step under read committed.
        Assert.Equal([TableHintKind.HoldLock], target.TableHints.Select(h => h.HintKind));
        var columns = Columns(Model.FindEntityType(typeof(RateLimiterState))!).ToHashSet();
        Assert.Subset(columns, ColumnsReferenced(sql));
        var output = Assert.Single(merge.MergeSpecification.OutputClause.SelectColumns);
        Assert.Equal(
            Column<RateLimiterState>(nameof(RateLimiterState.NextStartTicks)),
            TransactSql.ColumnName(Assert.IsType<ColumnReferenceExpression>(Assert.IsType<SelectScalarExpression>(output).Expression)));
        Assert.Empty(sql.All<Literal>());
        AssertValuesAreParameters(command, sql, [request.LimiterKey, notBefore.UtcTicks, request.Interval.Ticks * 2]);
        Assert.True(command.InTransaction);
    }

    [Fact]
    public async Task The_checker_catches_a_misspelt_hint_a_LIMIT_clause_a_missing_hint_a_wrong_table_and_an_inlined_value()
    {
        // The negative controls: the same checks, fed the real statements with one thing wrong each, must fail.
        var id = Guid.NewGuid();
        var rowLock = await SagaRowLockCommandAsync(id);
        var claim = await OutboxClaimCommandAsync(DateTimeOffset.UtcNow, 10, []);
        Assert.Contains("UPDLOCK", rowLock.Text, StringComparison.Ordinal);

        // Syntax: a hint SQL Server does not know, and PostgreSQL/SQLite's way of limiting rows.
        var misspelt = TransactSql.Parse(rowLock.Text.Replace("UPDLOCK", "UPDLOK", StringComparison.Ordinal));
        Assert.NotEmpty(misspelt.Errors);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => misspelt.AssertParses("the misspelt hint"));
        var sqliteClaim = new Sqlite.SqliteOutboxRowLock().FormatClaimStatement("[resolute_outbox]", "[created_at] < @resolute_cutoff", "[created_at], [id]", 10);
        Assert.Contains("LIMIT 10", sqliteClaim, StringComparison.Ordinal);
        Assert.NotEmpty(TransactSql.Parse(sqliteClaim).Errors);

        // Meaning: valid T-SQL that would lock nothing, or the wrong rows, or carry a value in its text.
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertSagaRowLock(rowLock with { Text = rowLock.Text.Replace("UPDLOCK, ", string.Empty, StringComparison.Ordinal) }, id));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertOutboxClaim(claim with { Text = claim.Text.Replace("READPAST, ", string.Empty, StringComparison.Ordinal) }, DateTimeOffset.UtcNow, 10, []));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertSagaRowLock(rowLock with { Text = rowLock.Text.Replace("[resolute_flow_runs]", "[resolute_flowruns]", StringComparison.Ordinal) }, id));
        var parameter = Assert.Single(rowLock.Parameters).Name;
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertSagaRowLock(rowLock with { Text = rowLock.Text.Replace(parameter, $"'{id}'", StringComparison.Ordinal) }, id));
    }

    private static void AssertSagaRowLock(RecordedCommand command, Guid id)
    {
        var sql = Parsed(command, "the saga row lock");
        var select = Assert.IsType<SelectStatement>(Assert.Single(sql.TopLevelStatements));
        var table = Assert.Single(sql.All<NamedTableReference>());
        Assert.Equal(Table<FlowRun>(), TransactSql.TableName(table.SchemaObject));

        // UPDLOCK held to the end of the transaction, on the row only; no READPAST: a locked run must be waited for, not skipped.
        Assert.Equal(new[] { TableHintKind.UpdLock, TableHintKind.Rowlock }.Order(), table.TableHints.Select(h => h.HintKind).Order());
        var where = Assert.IsType<BooleanComparisonExpression>(Assert.IsType<QuerySpecification>(select.QueryExpression).WhereClause.SearchCondition);
        Assert.Equal(BooleanComparisonType.Equals, where.ComparisonType);
        Assert.Equal(Column<FlowRun>(nameof(FlowRun.CorrelationId)), TransactSql.ColumnName(Assert.IsType<ColumnReferenceExpression>(where.FirstExpression)));
        Assert.Equal(Assert.Single(command.Parameters).Name, Assert.IsType<VariableReference>(where.SecondExpression).Name);
        Assert.Equal(System.Data.SqlDbType.UniqueIdentifier, command.Parameters[0].Type);
        Assert.Empty(sql.All<Literal>());
        AssertValuesAreParameters(command, sql, [id]);
        Assert.True(command.InTransaction, "the row lock ran outside a transaction: its lock would end with the statement");
    }

    private static void AssertOutboxClaim(RecordedCommand command, DateTimeOffset cutoff, int limit, IReadOnlyCollection<Guid> excluded)
    {
        var sql = Parsed(command, "the outbox claim");
        var select = Assert.IsType<SelectStatement>(Assert.Single(sql.TopLevelStatements));
        var query = Assert.IsType<QuerySpecification>(select.QueryExpression);
        var table = Assert.Single(sql.All<NamedTableReference>());
        Assert.Equal(Table<OutboxMessage>(), TransactSql.TableName(table.SchemaObject));

        // READPAST: replicas sweeping at once skip each other's rows instead of waiting for them or taking them too.
        Assert.Equal(new[] { TableHintKind.UpdLock, TableHintKind.ReadPast, TableHintKind.Rowlock }.Order(), table.TableHints.Select(h => h.HintKind).Order());

        // The batch size is the one literal: a setting, not a value from a message.
        var top = Assert.IsType<IntegerLiteral>(Assert.IsType<ParenthesisExpression>(query.TopRowFilter.Expression).Expression);
        Assert.Equal(limit.ToString(System.Globalization.CultureInfo.InvariantCulture), top.Value);
        Assert.Equal([top], sql.All<Literal>());

        // Oldest first, by the model's columns.
        Assert.Equal(
            [Column<OutboxMessage>(nameof(OutboxMessage.CreatedAt)), Column<OutboxMessage>(nameof(OutboxMessage.Id))],
            query.OrderByClause.OrderByElements.Select(o => TransactSql.ColumnName((ColumnReferenceExpression)o.Expression)));
        Assert.Subset(Columns(Model.FindEntityType(typeof(OutboxMessage))!).ToHashSet(), ColumnsReferenced(sql));

        // The dates and ids are bound with the model's SQL Server types (datetimeoffset, uniqueidentifier).
        Assert.Equal(
            new[] { System.Data.SqlDbType.DateTimeOffset }.Concat(excluded.Select(_ => System.Data.SqlDbType.UniqueIdentifier)),
            command.Parameters.Select(p => p.Type));
        var boundCutoff = Assert.IsType<DateTimeOffset>(command.Parameters[0].Value);
        Assert.Equal(cutoff, boundCutoff);
        Assert.Equal(TimeSpan.Zero, boundCutoff.Offset);
        AssertValuesAreParameters(command, sql, excluded.Cast<object>());
        Assert.True(command.InTransaction, "the claim ran outside a transaction: its locks would end with the statement");
    }

    /// <summary>
    /// Every variable the statement reads is one of the command's parameters and every parameter is read; the values
    /// themselves appear nowhere in the text (nothing was concatenated in).
    /// </summary>
    private static void AssertValuesAreParameters(RecordedCommand command, TransactSql sql, IEnumerable<object> values)
    {
        var variables = sql.All<VariableReference>().Select(v => v.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(command.Parameters.Select(p => p.Name).Order(StringComparer.OrdinalIgnoreCase), variables.Order(StringComparer.OrdinalIgnoreCase));
        foreach (var value in values)
        {
            Assert.Contains(command.Parameters, p => Equals(p.Value, value));
            var text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!;
            Assert.DoesNotContain(text, command.Text, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static TransactSql Parsed(RecordedCommand command, string what)
    {
        var sql = TransactSql.Parse(command.Text);
        sql.AssertParses(what);
        return sql;
    }

    private static HashSet<string> ColumnsReferenced(TransactSql sql) =>
        sql.All<ColumnReferenceExpression>().Where(c => c.ColumnType == ColumnType.Regular).Select(c => TransactSql.ColumnName(c)!).ToHashSet(StringComparer.Ordinal);

    private async Task<RecordedCommand> SagaRowLockCommandAsync(Guid id)
    {
        var provider = _services.GetRequiredService<ResolutePersistenceOptions>().Provider!;
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
        var before = _recorder.Commands.Count;

        // As the saga repository loads an instance: in the message's transaction, at the lock's isolation level.
        await using (var transaction = await db.Database.BeginTransactionAsync(provider.RowLock.IsolationLevel))
        {
            Assert.Null(await provider.RowLock.LoadAsync<FlowRun>(db, id, CancellationToken.None));
        }

        return Assert.Single(_recorder.Commands.Skip(before));
    }

    private async Task<RecordedCommand> OutboxClaimCommandAsync(DateTimeOffset cutoff, int limit, IReadOnlyCollection<Guid> excluded)
    {
        var dispatcher = _services.GetRequiredService<OutboxDispatcher>();
        var before = _recorder.Commands.Count;

        // The sweeper's own path: the row lock the dispatcher selects for the provider, in its claim transaction.
        var result = await dispatcher.ClaimAndDeliverAsync(
            (db, statements, token) => statements.ClaimCreatedBeforeAsync(db, cutoff, limit, excluded, token),
            (_, _) => Task.FromResult(true),
            CancellationToken.None);

        Assert.Equal(0, result.Claimed);
        return Assert.Single(_recorder.Commands.Skip(before));
    }

    private static string Table<TEntity>() => Model.FindEntityType(typeof(TEntity))!.GetTableName()!;

    private static string Column<TEntity>(string property)
    {
        var entityType = Model.FindEntityType(typeof(TEntity))!;
        return entityType.FindProperty(property)!.GetColumnName(StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema()))!;
    }

    private static IEnumerable<string> Columns(IEntityType entityType)
    {
        var store = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        return entityType.GetProperties().Select(p => p.GetColumnName(store)!);
    }

    private static IModel SqlServerModel()
    {
        using var db = MigrationTests.CreateOffline("SQL Server");
        return db.Model;
    }
}
