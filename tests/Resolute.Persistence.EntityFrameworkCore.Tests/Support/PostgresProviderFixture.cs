using System.Data.Common;
using Npgsql;
using Resolute.Persistence.PostgreSql;

namespace Resolute.Persistence.EntityFrameworkCore.Tests.Support;

/// <summary>
/// PostgreSQL for the provider suite: databases of their own on the test server that infra/scripts/test.sh starts
/// (<see cref="PostgresTestDatabase.Variable"/>). A missing variable fails the tests, never skips them.
/// </summary>
public sealed class PostgresProviderFixture : DatabaseProviderFixture
{
    /// <inheritdoc />
    public override string Name => "PostgreSQL";

    /// <inheritdoc />
    protected override string TablesQuery => "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()";

    /// <inheritdoc />
    protected override string ColumnsQuery =>
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @name";

    /// <inheritdoc />
    protected override string IndexesQuery => "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = @name";

    /// <inheritdoc />
    public override ResoluteDatabaseProvider CreateProvider(string connectionString) => new PostgreSqlDatabaseProvider(connectionString);

    /// <inheritdoc />
    protected override async Task<(string ConnectionString, Func<Task> Drop)> CreateDatabaseAsync()
    {
        var database = new PostgresTestDatabase();
        await database.InitializeAsync().ConfigureAwait(false);
        return (database.ConnectionString, database.DisposeAsync);
    }

    /// <inheritdoc />
    protected override DbConnection CreateConnection(string connectionString) => new NpgsqlConnection(connectionString);
}
