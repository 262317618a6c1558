namespace Resolute.Samples.Tests;

/// <summary>The console's entry point: its listing, its errors and exit codes, and one sample run end to end through it.</summary>
[Trait("Area", "Samples")]
public sealed class SampleCommandTests
{
    [Fact]
    public async Task Fulfill_order_with_fail_shipment_exits_0_after_printing_plan_nodes_and_compensations()
    {
        var (code, output, error) = await RunAsync("fulfill-order", "--fail-shipment", "--latency-scale", "0.05");

        Assert.True(code == SampleCommand.Ok, $"exit {code}; stderr: {error}; stdout: {output}");
        Assert.Contains("flow 'fulfill-order'", output, StringComparison.Ordinal);
        Assert.Contains("create-order (OrderRequest -> OrderCreated) [on error -> cancel-order]", output, StringComparison.Ordinal);
        Assert.Contains("start  create-shipment (attempt 1)", output, StringComparison.Ordinal);
        Assert.Contains("failed create-shipment (attempt 1)", output, StringComparison.Ordinal);
        Assert.Contains("end    cancel-order", output, StringComparison.Ordinal);
        Assert.Contains("ended Failed", output, StringComparison.Ordinal);
        Assert.Contains("compensations, in the order they ran: ", output, StringComparison.Ordinal);
        Assert.Contains("Outcome: failed with the shipment's error; the completed nodes were compensated in reverse completion order", output, StringComparison.Ordinal);
        Assert.Contains("in-memory transport, SQLite", output, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData]
    [InlineData("--help")]
    public async Task No_argument_or_help_lists_every_sample_and_exits_0(params string[] args)
    {
        var (code, output, _) = await RunAsync(args);

        Assert.Equal(SampleCommand.Ok, code);
        Assert.All(SampleCatalog.All, s => Assert.Contains($"  {s.Name} ", output, StringComparison.Ordinal));
        Assert.Contains("--fail-shipment", output, StringComparison.Ordinal);
        Assert.Contains("Resolute__RabbitMq__Host", output, StringComparison.Ordinal);
        Assert.Contains("Samples__Database=Postgres|SqlServer|Sqlite", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_sample_exits_2_naming_it_and_the_samples()
    {
        var (code, output, error) = await RunAsync("fulfil-order");

        Assert.Equal(SampleCommand.Usage, code);
        Assert.Equal("", output);
        Assert.Contains("Unknown sample 'fulfil-order'. Samples: parallel-pipeline, process-transactions, enrich-data, fulfill-order,", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'--fail-shipment' is not an option of enrich-data. Its options: --records N, --latency-scale X.", "enrich-data", "--fail-shipment")]
    [InlineData("--items must be a whole number from 1 to 1000; got 'many'.", "parallel-pipeline", "--items", "many")]
    [InlineData("--items N needs a value", "parallel-pipeline", "--items")]
    [InlineData("--latency-scale must be a number from 0 to 100; got '-1'.", "parallel-pipeline", "--latency-scale", "-1")]
    [InlineData("--priority must be rush or standard; got 'urgent'.", "conditional-parallel", "--priority", "urgent", "--latency-scale", "0")]
    [InlineData("Samples:Database=Postgres needs the connection string ConnectionStrings:Resolute", "enrich-data", "--Samples:Database=Postgres")]
    [InlineData("Samples:Database is 'Oracle'; allowed: Sqlite (default), Postgres, SqlServer.", "enrich-data", "--Samples:Database=Oracle")]
    [InlineData("ConnectionStrings:Resolute is set but Samples:Database is not", "enrich-data", "--ConnectionStrings:Resolute=Host=db")]
    public async Task Bad_arguments_or_settings_exit_2_with_a_specific_message(string message, params string[] args)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal(SampleCommand.Usage, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Equal("", output); // refused before anything runs
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SampleCommand.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
