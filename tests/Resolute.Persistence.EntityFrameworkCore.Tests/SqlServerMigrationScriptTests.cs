using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Resolute.Persistence.EntityFrameworkCore.Schedules;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// SQL Server's migrations where no SQL Server runs: the scripts EF Core generates from Resolute.Persistence.SqlServer's
/// migrations (what <c>dotnet ef migrations script</c> hands a DBA) go through SQL Server's own T-SQL parser, and the
/// tables they leave behind are compared with the EF model the provider maps — table by table, column by column, index by index.
/// </summary>
[Trait("Area", "Operations")]
public sealed class SqlServerMigrationScriptTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_migration_script_parses_and_creates_every_table_column_key_and_index_of_the_model(bool idempotent)
    {
        using var db = MigrationTests.CreateOffline("SQL Server");
        var script = Script(db, idempotent);

        var parsed = TransactSql.Parse(script);

        parsed.AssertParses($"the {(idempotent ? "idempotent" : "plain")} migration script");
        AssertLeavesTheModelsTables(db.Model, TransactSqlSchema.Replay(parsed));
    }

    [Fact]
    public void Reverting_every_migration_parses_and_drops_every_table_the_migrations_created_spelled_as_created()
    {
        // Replayed with exact names: on a database with a case-sensitive collation, DROP TABLE IF EXISTS of another
        // spelling finds nothing and silently leaves the table behind.
        using var db = MigrationTests.CreateOffline("SQL Server");
        var up = TransactSql.Parse(Script(db, idempotent: false));
        var down = TransactSql.Parse(db.GetService<IMigrator>().GenerateScript(db.Database.GetMigrations().Last(), Migration.InitialDatabase));
        down.AssertParses("the script reverting every migration");

        var schema = TransactSqlSchema.Replay(up, StringComparer.Ordinal);
        var created = schema.Tables.Keys.ToList();
        schema.Apply(down);

        Assert.Equal([ResolutePersistenceDefaults.MigrationsHistoryTable], schema.Tables.Keys);
        Assert.All(created.Where(t => t != ResolutePersistenceDefaults.MigrationsHistoryTable), t => Assert.Contains(t, schema.Dropped));
    }

    [Fact]
    public void Each_statement_of_Quartzs_SQL_Server_DDL_parses_on_its_own_as_the_migration_runs_it()
    {
        // migrationBuilder.Sql runs each statement as a command of its own.
        var statements = QuartzTables.CreateStatements(QuartzTables.SqlServer);

        Assert.NotEmpty(statements);
        Assert.All(statements, (statement, i) => TransactSql.Parse(statement).AssertParses($"Quartz statement {i + 1}"));
    }

    [Fact]
    public void The_model_check_fails_on_a_script_missing_an_index_or_a_column()
    {
        // The negative control of the check above: a script one index or one column short is caught.
        using var db = MigrationTests.CreateOffline("SQL Server");
        var script = Script(db, idempotent: false);
        var noIndex = script.Replace(
            "CREATE INDEX [ix_resolute_outbox_created_at] ON [resolute_outbox] ([created_at]);", string.Empty, StringComparison.Ordinal);
        var noColumn = script.Replace("    [error_summary] nvarchar(2000) NULL,\n", string.Empty, StringComparison.Ordinal);
        Assert.NotEqual(script, noIndex);
        Assert.NotEqual(script, noColumn);

        foreach (var broken in new[] { noIndex, noColumn })
        {
            var parsed = TransactSql.Parse(broken);
            parsed.AssertParses("the shortened script");
            Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertLeavesTheModelsTables(db.Model, TransactSqlSchema.Replay(parsed)));
        }
    }

    internal static string Script(DbContext db, bool idempotent) =>
        db.GetService<IMigrator>().GenerateScript(options: idempotent ? MigrationsSqlGenerationOptions.Idempotent : MigrationsSqlGenerationOptions.Default);

    /// <summary>
    /// The script leaves exactly the model's tables (with their columns, primary keys and indexes, spelled as the model
    /// spells them), EF's history table and Quartz's tables — nothing else (the early inbox table was dropped again).
    /// </summary>
    private static void AssertLeavesTheModelsTables(IModel model, TransactSqlSchema schema)
    {
        var expected = new List<string> { ResolutePersistenceDefaults.MigrationsHistoryTable };
        foreach (var entityType in model.GetEntityTypes())
        {
            var tableName = entityType.GetTableName()!;
            var store = StoreObjectIdentifier.Table(tableName, entityType.GetSchema());
            expected.Add(tableName);
            Assert.True(schema.Tables.TryGetValue(tableName, out var table), $"the script creates no table {tableName} for {entityType.ClrType.Name}");
            Assert.Equal(tableName, table.Name);
            Assert.Equal(entityType.GetProperties().Select(p => p.GetColumnName(store)!).Order(StringComparer.Ordinal), table.Columns.Order(StringComparer.Ordinal));
            Assert.Equal(entityType.FindPrimaryKey()!.GetName(store), table.PrimaryKey);
            Assert.Equal(
                entityType.GetIndexes().Select(i => $"{i.GetDatabaseName(store)}({string.Join(", ", i.Properties.Select(p => p.GetColumnName(store)))})").Order(StringComparer.Ordinal),
                table.Indexes.Select(i => $"{i.Name}({string.Join(", ", i.Columns)})").Order(StringComparer.Ordinal));
        }

        var quartz = schema.Tables.Keys.Where(t => t.StartsWith(QuartzTables.Prefix, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(QuartzTables.Names.Order(StringComparer.Ordinal), quartz.Select(t => t[QuartzTables.Prefix.Length..].ToLowerInvariant()).Order(StringComparer.Ordinal));
        Assert.Equal(expected.Order(StringComparer.Ordinal), schema.Tables.Keys.Except(quartz).Order(StringComparer.Ordinal));
    }
}
