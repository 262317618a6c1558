using System.Data.Common;
using Microsoft.Data.Sqlite;
using Resolute.Persistence.Sqlite;

namespace Resolute.Persistence.EntityFrameworkCore.Tests.Support;

/// <summary>SQLite for the provider suite: each database is a file of its own in a temporary directory.</summary>
public sealed class SqliteProviderFixture : DatabaseProviderFixture
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("resolute-suite-");

    /// <inheritdoc />
    public override string Name => "SQLite";

    /// <summary>One writer at a time: as many messages in flight as the provider asks for.</summary>
    public override int ConcurrentMessageLimit => new SqliteDatabaseProvider("Data Source=:memory:").MaxConcurrentSagaMessages!.Value;

    /// <inheritdoc />
    protected override string TablesQuery => "SELECT name FROM sqlite_master WHERE type = 'table'";

    /// <inheritdoc />
    protected override string ColumnsQuery => "SELECT name FROM pragma_table_info(@name)";

    /// <inheritdoc />
    protected override string IndexesQuery => "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = @name";

    /// <inheritdoc />
    public override ResoluteDatabaseProvider CreateProvider(string connectionString) => new SqliteDatabaseProvider(connectionString);

    /// <inheritdoc />
    protected override Task<(string ConnectionString, Func<Task> Drop)> CreateDatabaseAsync()
    {
        // The file appears when first opened. A generous command timeout: the concurrency tests queue many writers.
        var connectionString = $"Data Source={Path.Combine(_directory.FullName, $"{Guid.NewGuid():N}.db")};Default Timeout=30";
        return Task.FromResult<(string, Func<Task>)>((connectionString, () => Task.CompletedTask));
    }

    /// <inheritdoc />
    protected override Task DisposeServerAsync()
    {
        // Pooled connections keep the files open.
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override DbConnection CreateConnection(string connectionString) => new SqliteConnection(connectionString);
}
