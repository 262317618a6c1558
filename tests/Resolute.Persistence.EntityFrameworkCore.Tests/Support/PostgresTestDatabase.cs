using Npgsql;

namespace Resolute.Persistence.EntityFrameworkCore.Tests.Support;

/// <summary>
/// A database of its own on the test PostgreSQL server (RESOLUTE_TEST_POSTGRES, set by infra/scripts/test.sh), created
/// empty for one test class and dropped afterwards. A missing variable fails the tests, never skips them.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncLifetime
{
    public const string Variable = "RESOLUTE_TEST_POSTGRES";

    private readonly string _serverConnectionString;

    public PostgresTestDatabase()
    {
        _serverConnectionString = ServerConnectionString();
        Name = $"resolute_test_{Guid.NewGuid():N}";
        ConnectionString = new NpgsqlConnectionStringBuilder(_serverConnectionString)
        {
            Database = Name,

            // The concurrency tests hold many transactions open at once.
            MaxPoolSize = 100,
        }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static string ServerConnectionString()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"The environment variable {Variable} is not set. These tests need the throw-away PostgreSQL server that "
                + "infra/scripts/test.sh starts and describes in RESOLUTE_TEST_* variables: run them through it, e.g. "
                + "`infra/scripts/test.sh --filter Area=Engine`, not with a bare `dotnet test`.");
        }

        return value;
    }

    public async Task InitializeAsync() => await ExecuteOnServerAsync($"CREATE DATABASE \"{Name}\"").ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        // Pooled connections of this database would keep it in use.
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)").ConfigureAwait(false);
    }

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
