using System.Text.RegularExpressions;
using static Resolute.Tests.TestSupport.Stubs;

namespace Resolute.Tests;

/// <summary><see cref="Flow.Version"/> is a fingerprint of the definition's shape.</summary>
[Trait("Area", "Definition")]
public sealed partial class FlowVersionTests
{
    private sealed record Other(int Value);

    [GeneratedRegex("^[0-9a-f]{12}$")]
    private static partial Regex HexVersion();

    private static Flow Baseline(Func<FlowBuilder, FlowBuilder>? change = null)
    {
        var builder = ManualFlow("orders")
            .Then(Text("fetch").As("items"))
            .ThenParallel("process", Text("p1").OnError(Text("undo-p1")), Text("p2"))
            .When(_ => true).Then(Text("rush")).Else().Then(Text("standard")).EndWhen();
        return (change ?? (b => b.Then(Text("report")))).Invoke(builder).Build();
    }

    [Fact]
    public void Version_is_twelve_lowercase_hex_digits()
    {
        Assert.Matches(HexVersion(), Baseline().Version);
    }

    [Fact]
    public void Equal_definitions_built_separately_have_the_same_version()
    {
        Assert.Equal(Baseline().Version, Baseline().Version);
    }

    [Fact]
    public void Predicates_and_node_functions_do_not_change_the_version()
    {
        var one = ManualFlow("f").When(_ => true).Then(Text("a")).EndWhen().Build();
        var two = ManualFlow("f").When(s => s.Has("x")).Then(Node.Create<string, string>("a", (string _, NodeContext _) => Task.FromResult("other"))).EndWhen().Build();

        Assert.Equal(one.Version, two.Version);
    }

    [Fact]
    public void Timeouts_retries_and_rate_limits_do_not_change_the_version()
    {
        var tuned = Baseline(b => b.Then(Text("report")
            .WithTimeout(TimeSpan.FromSeconds(5))
            .WithRetry(new RetryPolicy { MaximumAttempts = 9 })
            .WithRateLimit(1, TimeSpan.FromSeconds(1))));

        Assert.Equal(Baseline().Version, tuned.Version);
    }

    public static TheoryData<string, Func<FlowBuilder, FlowBuilder>> ShapeChanges => new()
    {
        { "another last node", b => b.Then(Text("report-2")) },
        { "an extra step", b => b.Then(Text("report")).Then(Text("archive")) },
        { "another output key", b => b.Then(Text("report").As("summary")) },
        { "another task queue", b => b.Then(Text("report").WithTaskQueue("reports")) },
        { "a compensation", b => b.Then(Text("report").OnError(Text("undo-report"))) },
        { "other types", b => b.Then(Node.Create<Other, Other>("report", (Other o, NodeContext _) => Task.FromResult(o))) },
        { "parallel instead of sequential", b => b.ThenParallel("report", Text("report")) },
        { "a conditional around the node", b => b.When(_ => true).Then(Text("report")).EndWhen() },
    };

    [Theory]
    [MemberData(nameof(ShapeChanges))]
    public void A_change_of_shape_changes_the_version(string change, Func<FlowBuilder, FlowBuilder> build)
    {
        Assert.NotEqual(Baseline().Version, Baseline(build).Version);
        Assert.NotNull(change);
    }

    [Fact]
    public void Another_flow_name_changes_the_version()
    {
        var one = ManualFlow("a").Then(Text("x")).Build();
        var two = ManualFlow("b").Then(Text("x")).Build();

        Assert.NotEqual(one.Version, two.Version);
    }

    [Fact]
    public void Moving_a_node_between_branches_changes_the_version()
    {
        var one = ManualFlow("f").When(_ => true).Then(Text("a")).Else().Then(Text("b")).EndWhen().Build();
        var two = ManualFlow("f").When(_ => true).Then(Text("b")).Else().Then(Text("a")).EndWhen().Build();

        Assert.NotEqual(one.Version, two.Version);
    }
}
