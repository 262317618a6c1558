using System.CommandLine;
using Resolute.Cli.Connection;

namespace Resolute.Cli.Tests;

/// <summary>Where the tool connects: options, then variables, then the local compose stack's defaults.</summary>
[Trait("Area", "Cli")]
public sealed class ConnectionOptionsTests
{
    [Fact]
    public void Without_options_or_variables_it_is_the_local_broker_with_the_default_user()
    {
        var settings = Resolve([], []);

        Assert.Equal(new Uri("amqp://guest:guest@localhost:5672/"), settings.RabbitMq);
        Assert.Null(settings.Database);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.RequestTimeout);
    }

    [Fact]
    public void The_services_variables_fill_in_the_parts_they_name()
    {
        var settings = Resolve([], new() { ["Resolute__RabbitMq__User"] = "resolute", ["Resolute__RabbitMq__Pass"] = "p@ss:word", ["Resolute__RabbitMq__Port"] = "5673" });

        Assert.Equal("localhost", settings.RabbitMq.Host);
        Assert.Equal(5673, settings.RabbitMq.Port);
        Assert.Equal("resolute:p%40ss%3Aword", settings.RabbitMq.UserInfo);
        Assert.Equal("amqp://localhost:5673/", settings.RabbitMqDisplay);
    }

    [Fact]
    public void The_option_wins_over_the_variable_which_wins_over_the_services_keys()
    {
        var variables = new Dictionary<string, string> { ["RESOLUTE_RABBITMQ"] = "amqp://a:b@from-variable:5672/", ["Resolute__RabbitMq__Host"] = "from-keys" };

        Assert.Equal("from-variable", Resolve([], variables).RabbitMq.Host);
        Assert.Equal("from-option", Resolve(["--rabbitmq", "amqps://x:y@from-option/vh"], variables).RabbitMq.Host);
        Assert.Equal("amqps://from-option:5671/vh", Resolve(["--rabbitmq", "amqps://x:y@from-option/vh"], variables).RabbitMqDisplay);
    }

    [Theory]
    [InlineData("Host=localhost;Database=resolute;Username=resolute;Password=x", "Postgres")]
    [InlineData("Server=localhost,1433;Database=resolute;User Id=sa;Password=x;TrustServerCertificate=true", "SqlServer")]
    [InlineData("Data Source=/tmp/resolute.db", "Sqlite")]
    public void The_database_provider_is_inferred_from_the_connection_string(string connectionString, string expected)
    {
        Assert.Equal(Enum.Parse<DatabaseKind>(expected), Resolve([], new() { ["RESOLUTE_DB"] = connectionString }).DatabaseKind);
    }

    [Fact]
    public void The_database_provider_option_wins_over_inference()
    {
        Assert.Equal(DatabaseKind.Postgres, Resolve(["--db", "Server=db;Database=resolute;User Id=me", "--db-provider", "postgres"], []).DatabaseKind);
    }

    [Fact]
    public void A_services_port_that_is_not_a_number_is_a_usage_error_naming_the_variable()
    {
        var error = Assert.Throws<CliException>(() => Resolve([], new() { ["Resolute__RabbitMq__Port"] = "five" }));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("$Resolute__RabbitMq__Port is 'five'", error.Message, StringComparison.Ordinal);
    }

    private static ConnectionSettings Resolve(string[] args, Dictionary<string, string> variables)
    {
        var options = new ConnectionOptions();
        var root = new RootCommand();
        options.AddTo(root);
        var parse = root.Parse(args);
        Assert.Empty(parse.Errors);
        return options.Resolve(parse, name => variables.GetValueOrDefault(name));
    }
}
