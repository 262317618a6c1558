using Npgsql;
using Resolute.Orchestration.Runs;
using Resolute.Persistence.EntityFrameworkCore.Saga;
using Resolute.Persistence.PostgreSql;
using Resolute.Persistence.SqlServer;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

[Trait("Area", "Engine")]
public sealed class RowLockTests
{
    [Fact]
    public void PostgreSQL_locks_the_row_with_FOR_UPDATE()
    {
        using var db = MigrationTests.CreateOffline("PostgreSQL");

        var statement = new PostgreSqlSagaRowLock().GetStatement<FlowRun>(db);

        // Npgsql quotes only identifiers that need it.
        Assert.Equal("SELECT * FROM resolute_flow_runs WHERE correlation_id = {0} FOR UPDATE", statement);
    }

    [Fact]
    public void SQL_Server_locks_the_row_with_UPDLOCK_and_ROWLOCK()
    {
        using var db = MigrationTests.CreateOffline("SQL Server");

        var statement = new SqlServerSagaRowLock().GetStatement<FlowRun>(db);

        Assert.Equal("SELECT * FROM [resolute_flow_runs] WITH (UPDLOCK, ROWLOCK) WHERE [correlation_id] = {0}", statement);
    }

    [Fact]
    public void Each_lock_names_the_EF_Core_provider_it_serves()
    {
        foreach (var provider in new[] { "PostgreSQL", "SQL Server", "SQLite" })
        {
            using var db = MigrationTests.CreateOffline(provider);
            ISagaRowLock rowLock = provider switch
            {
                "PostgreSQL" => new PostgreSqlSagaRowLock(),
                "SQL Server" => new SqlServerSagaRowLock(),
                _ => new Resolute.Persistence.Sqlite.SqliteSagaRowLock(),
            };
            Assert.Equal(db.Database.ProviderName, rowLock.ProviderName);
        }
    }

    [Fact]
    public void PostgreSQL_races_are_recognised_inside_EF_exceptions()
    {
        var duplicate = new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation);
        var other = new PostgresException("syntax", "ERROR", "ERROR", PostgresErrorCodes.SyntaxError);
        var rowLock = new PostgreSqlSagaRowLock();

        Assert.True(rowLock.IsConcurrencyConflict(new Microsoft.EntityFrameworkCore.DbUpdateException("save failed", duplicate)));
        Assert.False(rowLock.IsConcurrencyConflict(new Microsoft.EntityFrameworkCore.DbUpdateException("save failed", other)));
        Assert.False(rowLock.IsConcurrencyConflict(new InvalidOperationException()));
    }

    [Fact]
    public void SQL_Server_does_not_mistake_other_errors_for_races()
    {
        Assert.False(new SqlServerSagaRowLock().IsConcurrencyConflict(new InvalidOperationException("x", new TimeoutException())));
    }
}
