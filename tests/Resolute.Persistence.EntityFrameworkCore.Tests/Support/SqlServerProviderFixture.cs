using System.Data.Common;
using Microsoft.Data.SqlClient;
using Resolute.Persistence.SqlServer;

namespace Resolute.Persistence.EntityFrameworkCore.Tests.Support;

/// <summary>
/// SQL Server for the provider suite, where <see cref="Variable"/> names a server (e.g. a CI with Docker): each database is
/// created there with a name of its own and dropped afterwards. Where the variable is not set, the SQL Server test classes
/// (marked <see cref="OptionalDatabaseAttribute"/>) have no tests at all — nothing is skipped, nothing connects.
/// </summary>
public sealed class SqlServerProviderFixture : DatabaseProviderFixture
{
    /// <summary>A connection string of a SQL Server the tests may create and drop databases on.</summary>
    public const string Variable = "RESOLUTE_TEST_SQLSERVER";

    /// <inheritdoc />
    public override string Name => "SQL Server";

    /// <inheritdoc />
    protected override string TablesQuery => "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA = SCHEMA_NAME()";

    /// <inheritdoc />
    protected override string ColumnsQuery => "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = SCHEMA_NAME() AND TABLE_NAME = @name";

    /// <inheritdoc />
    protected override string IndexesQuery => "SELECT name FROM sys.indexes WHERE object_id = OBJECT_ID(QUOTENAME(SCHEMA_NAME()) + '.' + QUOTENAME(@name)) AND name IS NOT NULL";

    /// <inheritdoc />
    public override ResoluteDatabaseProvider CreateProvider(string connectionString) => new SqlServerDatabaseProvider(connectionString);

    /// <inheritdoc />
    protected override async Task<(string ConnectionString, Func<Task> Drop)> CreateDatabaseAsync()
    {
        var server = ServerConnectionString();
        var name = $"resolute_test_{Guid.NewGuid():N}";
        await ExecuteAsync(server, $"CREATE DATABASE [{name}]").ConfigureAwait(false);
        var connectionString = new SqlConnectionStringBuilder(server)
        {
            InitialCatalog = name,

            // The concurrency tests hold many transactions open at once.
            MaxPoolSize = 200,
        }.ConnectionString;

        return (connectionString, async () =>
        {
            // Pooled connections of this database would keep it in use.
            await using (var connection = new SqlConnection(connectionString))
            {
                SqlConnection.ClearPool(connection);
            }

            await ExecuteAsync(server, $"IF DB_ID(N'{name}') IS NOT NULL BEGIN ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]; END").ConfigureAwait(false);
        });
    }

    /// <inheritdoc />
    protected override DbConnection CreateConnection(string connectionString) => new SqlConnection(connectionString);

    private static string ServerConnectionString()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            // Not reached through the suites: their SQL Server classes have no tests without the variable.
            throw new InvalidOperationException($"The environment variable {Variable} is not set: no SQL Server to test on.");
        }

        return value;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new SqlConnection(connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new SqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
