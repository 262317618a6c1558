using Npgsql;
using Xunit.Abstractions;

namespace Resolute.Samples.Tests;

/// <summary>
/// Every sample on RabbitMQ and PostgreSQL — the "compose stack" path, configured as the README says
/// (<c>Resolute:RabbitMq:*</c>, <c>Samples:Database=Postgres</c>, <c>ConnectionStrings:Resolute</c>) — on the servers
/// that infra/scripts/test.sh starts (<c>RESOLUTE_TEST_RABBITMQ</c>, <c>RESOLUTE_TEST_POSTGRES</c>). Without them these
/// tests fail, saying so: run them with <c>infra/scripts/test.sh --filter Area=Samples</c>.
/// </summary>
[Trait("Area", "Samples")]
public sealed class DistributedSampleTests(DistributedSampleTests.Servers servers, ITestOutputHelper log)
    : SampleScenarios(log), IClassFixture<DistributedSampleTests.Servers>
{
    protected override string[] HostArgs => servers.HostArgs;

    [Fact]
    public void The_samples_run_on_the_configured_broker_and_database()
    {
        var settings = SampleHostSettings.Read(HostArgs, environment: new Dictionary<string, string?>());

        Assert.False(settings.IsEmbedded);
        Assert.Equal("Postgres", settings.Database);
        Assert.Equal(servers.RabbitMq.Host, settings.RabbitMqHost);
        Assert.Contains($"RabbitMQ {servers.RabbitMq.Host}:{servers.RabbitMq.Port}, Postgres", settings.Describe(sqliteFile: null), StringComparison.Ordinal);
    }

    /// <summary>The broker and a database of this class's own on the test server, created empty and dropped at the end.</summary>
    public sealed class Servers : IAsyncLifetime
    {
        private readonly string _server;
        private readonly string _database = $"resolute_samples_{Guid.NewGuid():N}";

        public Servers()
        {
            _server = Require("RESOLUTE_TEST_POSTGRES");
            RabbitMq = new Uri(Require("RESOLUTE_TEST_RABBITMQ"));
            var credentials = Uri.UnescapeDataString(RabbitMq.UserInfo).Split(':', 2);
            var connectionString = new NpgsqlConnectionStringBuilder(_server) { Database = _database }.ConnectionString;
            HostArgs =
            [
                $"--Resolute:RabbitMq:Host={RabbitMq.Host}",
                $"--Resolute:RabbitMq:Port={RabbitMq.Port}",
                $"--Resolute:RabbitMq:User={credentials[0]}",
                $"--Resolute:RabbitMq:Pass={(credentials.Length > 1 ? credentials[1] : "")}",
                "--Samples:Database=Postgres",
                $"--ConnectionStrings:Resolute={connectionString}",
            ];
        }

        public Uri RabbitMq { get; }

        public string[] HostArgs { get; }

        public async Task InitializeAsync() => await OnServerAsync($"CREATE DATABASE \"{_database}\"");

        public async Task DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await OnServerAsync($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)");
        }

        private async Task OnServerAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(_server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        private static string Require(string variable) =>
            Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
                ? value
                : throw new InvalidOperationException(
                    $"The environment variable {variable} is not set. These tests run the samples on the RabbitMQ and PostgreSQL that "
                    + "infra/scripts/test.sh starts: run them with `infra/scripts/test.sh --filter Area=Samples`, not a bare `dotnet test`.");
    }
}
