using System.Net;
using System.Net.Http.Json;
using Npgsql;

namespace Resolute.IntegrationTests.Infrastructure;

/// <summary>
/// A RabbitMQ virtual host and a PostgreSQL database of one test's own, created by <see cref="CreateAsync"/> and removed
/// by <see cref="DisposeAsync"/>: in-process hosts of a test use them without seeing any other test's queues or runs.
/// </summary>
public sealed class ScratchServers : IAsyncDisposable
{
    private bool _virtualHostCreated;
    private bool _databaseCreated;

    private ScratchServers(TestEnvironment servers, string name)
    {
        Servers = servers;
        VirtualHost = $"resolute-it-{name}";
        Database = $"resolute_it_{name.Replace('-', '_')}";
    }

    public TestEnvironment Servers { get; }

    public string VirtualHost { get; }

    public string Database { get; }

    /// <summary>The AMQP URI of <see cref="VirtualHost"/>.</summary>
    public Uri RabbitMqUri => new UriBuilder(Servers.RabbitMqUri) { Path = "/" + VirtualHost }.Uri;

    /// <summary>The connection string of <see cref="Database"/>.</summary>
    public string PostgresConnectionString => new NpgsqlConnectionStringBuilder(Servers.PostgresConnectionString) { Database = Database }.ConnectionString;

    /// <summary>Creates both, named after <paramref name="prefix"/> and a random suffix.</summary>
    public static async Task<ScratchServers> CreateAsync(string prefix)
    {
        var scratch = new ScratchServers(new TestEnvironment(), $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)].ToLowerInvariant());
        try
        {
            await Task.WhenAll(scratch.CreateVirtualHostAsync(), scratch.CreateDatabaseAsync());
            return scratch;
        }
        catch
        {
            await scratch.DisposeAsync();
            throw;
        }
    }

    /// <summary>The names of the queues of <see cref="VirtualHost"/>.</summary>
    public async Task<IReadOnlyList<string>> QueueNamesAsync()
    {
        using var management = Servers.CreateRabbitMqManagementClient();
        var queues = await management.GetFromJsonAsync<List<QueueInfo>>(new Uri($"api/queues/{Uri.EscapeDataString(VirtualHost)}", UriKind.Relative));
        return queues!.Select(q => q.Name).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (_virtualHostCreated)
        {
            using var management = Servers.CreateRabbitMqManagementClient();
            using var removed = await management.DeleteAsync(new Uri($"api/vhosts/{Uri.EscapeDataString(VirtualHost)}", UriKind.Relative));
            if (removed.StatusCode is not (HttpStatusCode.NoContent or HttpStatusCode.NotFound))
            {
                removed.EnsureSuccessStatusCode();
            }
        }

        if (_databaseCreated)
        {
            NpgsqlConnection.ClearAllPools();
            await using var server = NpgsqlDataSource.Create(Servers.PostgresConnectionString);
            await using var drop = server.CreateCommand($"drop database if exists {Database} with (force)");
            await drop.ExecuteNonQueryAsync();
        }
    }

    private async Task CreateVirtualHostAsync()
    {
        using var management = Servers.CreateRabbitMqManagementClient();
        var vhost = Uri.EscapeDataString(VirtualHost);
        using (var created = await management.PutAsync(new Uri($"api/vhosts/{vhost}", UriKind.Relative), JsonContent.Create(new { })))
        {
            created.EnsureSuccessStatusCode();
        }

        _virtualHostCreated = true;
        var user = Uri.EscapeDataString(Uri.UnescapeDataString(Servers.RabbitMqUri.UserInfo.Split(':')[0]));
        using var permitted = await management.PutAsync(
            new Uri($"api/permissions/{vhost}/{user}", UriKind.Relative),
            JsonContent.Create(new { configure = ".*", write = ".*", read = ".*" }));
        permitted.EnsureSuccessStatusCode();
    }

    private async Task CreateDatabaseAsync()
    {
        await using var server = NpgsqlDataSource.Create(Servers.PostgresConnectionString);
        await using var create = server.CreateCommand($"create database {Database}");
        await create.ExecuteNonQueryAsync();
        _databaseCreated = true;
    }

    private sealed record QueueInfo(string Name);
}
