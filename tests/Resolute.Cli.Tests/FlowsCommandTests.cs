using System.Text.Json;

namespace Resolute.Cli.Tests;

[Trait("Area", "Cli")]
[Collection(CliHostGroup.Name)]
public sealed class FlowsCommandTests(CliHost host)
{
    [Fact]
    public async Task Flows_shows_each_flow_with_its_plan()
    {
        var result = await host.RunAsync("flows");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var flow in host.Flows.All)
        {
            Assert.Contains(flow.Name, result.Output, StringComparison.Ordinal);
        }

        Assert.Contains("fan (parallel)", result.Output, StringComparison.Ordinal);
        Assert.Contains("compensated by undo-left", result.Output, StringComparison.Ordinal);
        Assert.Contains("attempts 3", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flows_as_json_has_steps_and_nodes()
    {
        var result = await host.RunAsync("flows", "--flow", "cli-undo", "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var flow = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("cli-undo", flow.GetProperty("name").GetString());
        Assert.Equal(host.Flows.Undo.Version, flow.GetProperty("version").GetString());
        var steps = flow.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["fan", "flaky", "boom"], steps.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("parallel", steps[0].GetProperty("kind").GetString());
        Assert.Equal("undo-left", steps[0].GetProperty("nodes")[0].GetProperty("compensation").GetString());
        Assert.Equal(3, steps[1].GetProperty("nodes")[0].GetProperty("maximumAttempts").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(flow.GetProperty("plan").GetString()));
    }

    [Fact]
    public async Task An_unknown_flow_exits_3()
    {
        var result = await host.RunAsync("flows", "--flow", "nope");

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Contains("unknown flow 'nope'", result.Error, StringComparison.Ordinal);
    }
}
