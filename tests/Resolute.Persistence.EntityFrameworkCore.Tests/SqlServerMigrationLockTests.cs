using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;
using Resolute.Persistence.SqlServer;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// What the migrator sends to SQL Server besides EF Core's migrations, checked by SQL Server's own parser: the session-owned
/// application lock that serialises replicas, and the history table's create-if-missing script it runs under that lock.
/// </summary>
[Trait("Area", "Operations")]
public sealed class SqlServerMigrationLockTests
{
    [Fact]
    public void The_migration_lock_is_an_exclusive_session_applock_that_waits_without_a_limit()
    {
        var sql = TransactSql.Parse(SqlServerMigrationLock.AcquireStatement);

        sql.AssertParses("the migration lock");
        var call = Assert.Single(Procedures(sql));
        Assert.Equal("sp_getapplock", call.Name);
        Assert.Equal("@resource", call.Arguments["@Resource"]);
        Assert.Equal("Exclusive", call.Arguments["@LockMode"]);
        Assert.Equal("Session", call.Arguments["@LockOwner"]);
        Assert.Equal("-1", call.Arguments["@LockTimeout"]);

        // Not EF Core's own resource: EF takes that one on its connection while it migrates, under this lock.
        Assert.NotEqual("__EFMigrationsLock", SqlServerMigrationLock.Resource);
    }

    [Fact]
    public void The_release_names_the_same_resource_and_owner()
    {
        var sql = TransactSql.Parse(SqlServerMigrationLock.ReleaseStatement);

        sql.AssertParses("the migration lock release");
        var call = Assert.Single(Procedures(sql));
        Assert.Equal("sp_releaseapplock", call.Name);
        Assert.Equal("@resource", call.Arguments["@Resource"]);
        Assert.Equal("Session", call.Arguments["@LockOwner"]);
    }

    [Fact]
    public void The_history_table_create_if_missing_script_parses_and_creates_the_history_table()
    {
        using var db = MigrationTests.CreateOffline("SQL Server");

        var sql = TransactSql.Parse(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript());

        sql.AssertParses("the history table's create-if-missing script");
        var create = Assert.Single(sql.All<CreateTableStatement>());
        Assert.Equal(ResolutePersistenceDefaults.MigrationsHistoryTable, TransactSql.TableName(create.SchemaObjectName));
        Assert.Single(sql.All<IfStatement>());
    }

    [Fact]
    public void The_checker_catches_a_misspelt_procedure_argument()
    {
        // Negative control: a statement SQL Server would reject must fail the same check.
        var sql = TransactSql.Parse(SqlServerMigrationLock.AcquireStatement.Replace("EXEC @result", "EXEC @result =", StringComparison.Ordinal));

        Assert.NotEmpty(sql.Errors);
    }

    private static List<(string Name, Dictionary<string, string> Arguments)> Procedures(TransactSql sql) =>
        sql.All<ExecutableProcedureReference>()
            .Select(p => (
                p.ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value,
                p.Parameters.ToDictionary(
                    a => a.Variable.Name,
                    a => a.ParameterValue switch
                    {
                        VariableReference variable => variable.Name,
                        UnaryExpression { UnaryExpressionType: UnaryExpressionType.Negative, Expression: Literal literal } => "-" + literal.Value,
                        Literal literal => literal.Value,
                        var other => other.GetType().Name,
                    },
                    StringComparer.OrdinalIgnoreCase)))
            .ToList();
}
