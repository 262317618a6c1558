using System.Net.Http.Headers;
using System.Text;

namespace Resolute.IntegrationTests.Infrastructure;

/// <summary>
/// The RabbitMQ and PostgreSQL servers that <c>infra/scripts/test.sh</c> starts for a test run,
/// as described by the environment variables it exports. A missing variable is an error, never a
/// silent skip: CI always runs the tests with these servers.
/// </summary>
public sealed class TestEnvironment
{
    /// <summary>Npgsql connection string to the maintenance database <c>postgres</c>.</summary>
    public const string PostgresVariable = "RESOLUTE_TEST_POSTGRES";

    /// <summary>AMQP URI of the test broker, e.g. <c>amqp://guest:guest@127.0.0.1:5673/</c>.</summary>
    public const string RabbitMqVariable = "RESOLUTE_TEST_RABBITMQ";

    /// <summary>Management HTTP API root with credentials, e.g. <c>http://guest:guest@127.0.0.1:15673/</c>.</summary>
    public const string RabbitMqManagementVariable = "RESOLUTE_TEST_RABBITMQ_MANAGEMENT";

    /// <summary>Erlang node name of the test broker.</summary>
    public const string RabbitMqNodeVariable = "RESOLUTE_TEST_RABBITMQ_NODE";

    /// <summary>Script with subcommands start|stop|kill|wait for the test broker.</summary>
    public const string RabbitMqCtlVariable = "RESOLUTE_TEST_RABBITMQ_CTL";

    /// <summary>Script with subcommands start|stop|kill|wait for the test database server.</summary>
    public const string PostgresCtlVariable = "RESOLUTE_TEST_POSTGRES_CTL";

    private readonly Func<string, string?> _read;

    /// <summary>Reads the variables of the current process.</summary>
    public TestEnvironment()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    /// <summary>Reads the variables through <paramref name="read"/> (for tests of this class).</summary>
    public TestEnvironment(Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        _read = read;
    }

    /// <summary>
    /// Connection string to the server's <c>postgres</c> database. Tests create (and drop) their
    /// own databases rather than share one.
    /// </summary>
    public string PostgresConnectionString => Require(PostgresVariable);

    /// <summary>AMQP URI of the broker (default virtual host).</summary>
    public Uri RabbitMqUri => RequireUri(RabbitMqVariable);

    /// <summary>Root of the management HTTP API, credentials included in its user info.</summary>
    public Uri RabbitMqManagementUri => RequireUri(RabbitMqManagementVariable);

    /// <summary>Erlang node name of the broker.</summary>
    public string RabbitMqNode => Require(RabbitMqNodeVariable);

    /// <summary>Path of the script that stops, kills and restarts the broker.</summary>
    public string RabbitMqCtl => Require(RabbitMqCtlVariable);

    /// <summary>Path of the script that stops, kills and restarts the database server.</summary>
    public string PostgresCtl => Require(PostgresCtlVariable);

    /// <summary>
    /// An <see cref="HttpClient"/> for the management API: base address without credentials,
    /// basic authentication from the URI's user info. The caller disposes it.
    /// </summary>
    public HttpClient CreateRabbitMqManagementClient()
    {
        var uri = RabbitMqManagementUri;
        var credentials = Uri.UnescapeDataString(uri.UserInfo);
        var client = new HttpClient
        {
            BaseAddress = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri,
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return client;
    }

    private string Require(string name)
    {
        var value = _read(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"The environment variable {name} is not set. The integration tests need the RabbitMQ and "
                + "PostgreSQL servers that infra/scripts/test.sh installs, starts and describes in RESOLUTE_TEST_* "
                + "variables: run the tests through it, e.g. `infra/scripts/test.sh --filter Area=Infrastructure`, "
                + "not with a bare `dotnet test`.");
        }

        return value;
    }

    private Uri RequireUri(string name)
    {
        var value = Require(name);
        return Uri.TryCreate(value, UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException($"The environment variable {name} is not an absolute URI: '{value}'.");
    }
}
