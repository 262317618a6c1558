using System.Net;
using System.Text;
using Npgsql;
using RabbitMQ.Client;

namespace Resolute.IntegrationTests.Infrastructure;

/// <summary>
/// Proves that the servers infra/scripts/test.sh starts are there and usable the way the other
/// integration tests use them: a database per test, a virtual host per test run, AMQP round trips.
/// </summary>
[Trait("Area", "Infrastructure")]
public sealed class ServersSmokeTests
{
    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(30);

    private readonly TestEnvironment _environment = new();

    [Fact]
    public async Task PostgresAnswersWithItsVersion()
    {
        using var timeout = new CancellationTokenSource(IoTimeout);
        await using var dataSource = NpgsqlDataSource.Create(_environment.PostgresConnectionString);
        await using var command = dataSource.CreateCommand("select version()");

        var version = await command.ExecuteScalarAsync(timeout.Token) as string;

        Assert.NotNull(version);
        Assert.StartsWith("PostgreSQL 15", version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostgresLetsATestCreateUseAndDropItsOwnDatabase()
    {
        using var timeout = new CancellationTokenSource(IoTimeout);
        var database = $"resolute_smoke_{Guid.NewGuid():N}";
        await using var server = NpgsqlDataSource.Create(_environment.PostgresConnectionString);

        await using (var create = server.CreateCommand($"create database {database}"))
        {
            await create.ExecuteNonQueryAsync(timeout.Token);
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(_environment.PostgresConnectionString) { Database = database };
            await using var own = NpgsqlDataSource.Create(builder);
            await using var batch = own.CreateBatch();
            batch.BatchCommands.Add(new NpgsqlBatchCommand("create table probe (id int primary key, note text not null)"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("insert into probe values (1, 'written')"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("select note from probe where id = 1"));

            var note = await batch.ExecuteScalarAsync(timeout.Token) as string;

            Assert.Equal("written", note);
        }
        finally
        {
            // force: pooled connections of the data source above may still be open.
            await using var drop = server.CreateCommand($"drop database if exists {database} with (force)");
            await drop.ExecuteNonQueryAsync(timeout.Token);
        }
    }

    [Fact]
    public async Task RabbitMqRoundTripsAMessageThroughATemporaryQueue()
    {
        using var timeout = new CancellationTokenSource(IoTimeout);
        var factory = new ConnectionFactory { Uri = _environment.RabbitMqUri };
        await using var connection = await factory.CreateConnectionAsync(timeout.Token);
        // Publisher confirms: the publish returns once the broker has enqueued the message.
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            timeout.Token);
        var queue = await channel.QueueDeclareAsync(
            queue: string.Empty, durable: false, exclusive: true, autoDelete: true, cancellationToken: timeout.Token);
        var body = Encoding.UTF8.GetBytes($"smoke {Guid.NewGuid()}");

        await channel.BasicPublishAsync(exchange: string.Empty, routingKey: queue.QueueName, body: body, cancellationToken: timeout.Token);

        // basic.get answers "empty" rather than waiting: poll until the message is there or the deadline passes.
        BasicGetResult? received;
        while ((received = await channel.BasicGetAsync(queue.QueueName, autoAck: true, timeout.Token)) is null)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
        }

        Assert.Equal(body, received.Body.ToArray());
    }

    [Fact]
    public async Task ManagementApiCreatesAndDeletesAThrowAwayVirtualHost()
    {
        using var timeout = new CancellationTokenSource(IoTimeout);
        using var management = _environment.CreateRabbitMqManagementClient();
        var vhost = $"resolute-smoke-{Guid.NewGuid():N}";
        var vhostPath = Uri.EscapeDataString(vhost);
        var deleted = false;

        using (var created = await management.PutAsync(new Uri($"api/vhosts/{vhostPath}", UriKind.Relative), Json("{}"), timeout.Token))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        try
        {
            using (var permitted = await management.PutAsync(
                new Uri($"api/permissions/{vhostPath}/guest", UriKind.Relative),
                Json("""{"configure":".*","write":".*","read":".*"}"""),
                timeout.Token))
            {
                Assert.Contains(permitted.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.NoContent });
            }

            // The new virtual host is usable over AMQP with those permissions.
            var factory = new ConnectionFactory { Uri = _environment.RabbitMqUri, VirtualHost = vhost };
            await using (var connection = await factory.CreateConnectionAsync(timeout.Token))
            await using (var channel = await connection.CreateChannelAsync(cancellationToken: timeout.Token))
            {
                var queue = await channel.QueueDeclareAsync(
                    queue: string.Empty, durable: false, exclusive: true, autoDelete: true, cancellationToken: timeout.Token);
                Assert.StartsWith("amq.gen-", queue.QueueName, StringComparison.Ordinal);
            }

            using var removed = await management.DeleteAsync(new Uri($"api/vhosts/{vhostPath}", UriKind.Relative), timeout.Token);
            deleted = true;
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }
        finally
        {
            if (!deleted)
            {
                using var removed = await management.DeleteAsync(new Uri($"api/vhosts/{vhostPath}", UriKind.Relative), CancellationToken.None);
            }
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
