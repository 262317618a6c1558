namespace Resolute.Cli.Tests;

[Trait("Area", "Cli")]
public sealed class ConnectionTests
{
    [Theory]
    [InlineData("status", "3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("history", "3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("cancel", "3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("watch", "3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("start", "some-flow")]
    [InlineData("runs", null)]
    [InlineData("flows", null)]
    [InlineData("schedules", null)]
    public async Task An_unreachable_broker_exits_4_with_one_line_naming_the_address_but_not_the_password(string command, string? argument)
    {
        string[] args = argument is null ? [command] : [command, argument];

        var result = await CliHost.RunWithRabbitMqAsync([.. args, "--rabbitmq", "amqp://someone:s3cret@127.0.0.1:1/", "--connect-timeout", "3s"]);

        Assert.Equal(ExitCodes.CannotConnect, result.ExitCode);
        Assert.Equal($"resolute {command}: cannot connect to RabbitMQ at amqp://127.0.0.1:1/ (connection refused)", result.Error.TrimEnd());
        Assert.DoesNotContain("s3cret", result.Error + result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_that_needs_the_orchestrator_says_so_when_only_db_is_given()
    {
        var result = await CliHost.RunWithRabbitMqAsync("flows", "--db", "Data Source=/tmp/whatever.db", "--rabbitmq", "amqp://127.0.0.1:1/", "--connect-timeout", "3s");

        Assert.Equal(ExitCodes.CannotConnect, result.ExitCode);
        Assert.Contains("'flows' needs the orchestrator over RabbitMQ, --db serves only status, runs and history", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--connect-timeout", "soon", "--connect-timeout 'soon' is not a duration")]
    [InlineData("--rabbitmq", "http://localhost/", "--rabbitmq must be an amqp:// or amqps:// address")]
    [InlineData("--db-provider", "oracle", "oracle")]
    [InlineData("--output", "yaml", "yaml")]
    public async Task Bad_connection_options_are_usage_errors(string option, string value, string expected)
    {
        var result = await CliHost.RunWithRabbitMqAsync("status", Guid.NewGuid().ToString(), option, value);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task No_command_is_a_usage_error()
    {
        var result = await CliHost.RunWithRabbitMqAsync();

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
    }
}
