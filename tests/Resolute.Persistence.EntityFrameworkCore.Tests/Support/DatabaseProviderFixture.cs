using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Resolute.Persistence.EntityFrameworkCore.Tests.Support;

/// <summary>
/// One database of the provider suite (PostgreSQL, SQLite, SQL Server): it creates empty databases of its own — on the
/// test server, or as files — hands out the <see cref="ResoluteDatabaseProvider"/> for them, and drops them at the end.
/// A test class gets one as its class fixture, with one database migrated up front that its tests share
/// (<see cref="ConnectionString"/>); a test that needs an empty database of its own asks <see cref="CreateEmptyDatabaseAsync"/>.
/// The suites (<c>*Suite&lt;TDatabase&gt;</c>) are written once against this type; each provider adds a small subclass.
/// </summary>
public abstract class DatabaseProviderFixture : IAsyncLifetime
{
    private readonly List<Func<Task>> _drops = [];

    /// <summary>The provider's display name, as <see cref="ResoluteDatabaseProvider.Name"/> says it.</summary>
    public abstract string Name { get; }

    /// <summary>The migrated database the test class shares.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>
    /// How many saga messages a test endpoint handles at once on this database. SQLite's writers of one process take turns
    /// (one writer at a time); more in flight would only queue.
    /// </summary>
    public virtual int ConcurrentMessageLimit => 8;

    /// <summary>The provider for <paramref name="connectionString"/>, as an application configures it.</summary>
    /// <param name="connectionString">A connection string of a database of this fixture.</param>
    public abstract ResoluteDatabaseProvider CreateProvider(string connectionString);

    /// <summary>Chooses this provider for <paramref name="connectionString"/> (default: the shared database) in AddResolutePersistence.</summary>
    /// <param name="connectionString">A database of this fixture; the shared one when null.</param>
    public Action<ResolutePersistenceBuilder> Persistence(string? connectionString = null)
    {
        var provider = CreateProvider(connectionString ?? ConnectionString);
        return p => p.UseProvider(provider);
    }

    /// <summary>A new, empty database (no table), dropped when the fixture is disposed.</summary>
    /// <returns>Its connection string.</returns>
    public async Task<string> CreateEmptyDatabaseAsync()
    {
        var (connectionString, drop) = await CreateDatabaseAsync().ConfigureAwait(false);
        _drops.Add(drop);
        return connectionString;
    }

    /// <summary>A DbContext on <paramref name="connectionString"/> outside of any host (what another process would see).</summary>
    /// <param name="connectionString">A database of this fixture; the shared one when null.</param>
    public ResoluteDbContext CreateDbContext(string? connectionString = null)
    {
        var builder = new DbContextOptionsBuilder<ResoluteDbContext>();
        CreateProvider(connectionString ?? ConnectionString).Configure(builder);
        return new ResoluteDbContext(builder.Options);
    }

    /// <summary>The names of the tables of <paramref name="connectionString"/>'s database (its default schema).</summary>
    public Task<List<string>> TableNamesAsync(string connectionString) => ListAsync(connectionString, TablesQuery, table: null);

    /// <summary>The columns of <paramref name="table"/>.</summary>
    public Task<List<string>> ColumnNamesAsync(string connectionString, string table) => ListAsync(connectionString, ColumnsQuery, table);

    /// <summary>The names of the indexes on <paramref name="table"/> (the primary key's included where the database names it).</summary>
    public Task<List<string>> IndexNamesAsync(string connectionString, string table) => ListAsync(connectionString, IndexesQuery, table);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        ConnectionString = await CreateEmptyDatabaseAsync().ConfigureAwait(false);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddResolutePersistence(Persistence());
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<ResoluteDatabaseMigrator>().MigrateAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var drop in _drops)
        {
            await drop().ConfigureAwait(false);
        }

        await DisposeServerAsync().ConfigureAwait(false);
    }

    /// <summary>Creates an empty database with a name of its own.</summary>
    /// <returns>Its connection string, and how to drop it (closing this process's pooled connections to it first).</returns>
    protected abstract Task<(string ConnectionString, Func<Task> Drop)> CreateDatabaseAsync();

    /// <summary>Removes what the fixture holds beyond its databases (a directory of files).</summary>
    protected virtual Task DisposeServerAsync() => Task.CompletedTask;

    /// <summary>Opens a plain ADO.NET connection to <paramref name="connectionString"/>.</summary>
    protected abstract DbConnection CreateConnection(string connectionString);

    /// <summary>Lists the tables of the database.</summary>
    protected abstract string TablesQuery { get; }

    /// <summary>Lists the columns of the table named by the parameter <c>@name</c>.</summary>
    protected abstract string ColumnsQuery { get; }

    /// <summary>Lists the indexes of the table named by the parameter <c>@name</c>.</summary>
    protected abstract string IndexesQuery { get; }

    private async Task<List<string>> ListAsync(string connectionString, string sql, string? table)
    {
        var connection = CreateConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = sql;
                if (table is not null)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = "@name";
                    parameter.Value = table;
                    command.Parameters.Add(parameter);
                }

                var names = new List<string>();
                var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync().ConfigureAwait(false))
                    {
                        names.Add(reader.GetString(0));
                    }
                }

                return names;
            }
        }
    }
}
