namespace Resolute.Core.Tests;

/// <summary>A registry holds one current version per flow and, beside it, previous versions kept for runs in flight.</summary>
[Trait("Area", "Definition")]
public sealed class FlowRegistryVersionTests
{
    private static readonly Node<int, int> A = Node.Create<int, int>("a", (v, _) => Task.FromResult(v));
    private static readonly Node<int, int> B = Node.Create<int, int>("b", (v, _) => Task.FromResult(v));
    private static readonly Flow Version1 = Flow.Create("f").TriggeredBy(Trigger.Manual()).Then(A).Build();
    private static readonly Flow Version2 = Flow.Create("f").TriggeredBy(Trigger.Manual()).Then(A).Then(B).Build();

    [Fact]
    public void A_previous_version_is_found_by_its_version_and_the_current_one_by_name()
    {
        var registry = new FlowRegistry();
        registry.Add(Version2);
        registry.AddPreviousVersion(Version1, "old-queue");

        Assert.True(registry.TryGet("f", out var current));
        Assert.Same(Version2, current.Flow);
        Assert.True(registry.TryGet("f", Version1.Version, out var previous));
        Assert.Same(Version1, previous.Flow);
        Assert.Equal("old-queue", previous.TaskQueue);
        Assert.True(registry.TryGet("f", Version2.Version, out _));
        Assert.False(registry.TryGet("f", "0000", out _));
        Assert.Single(registry.Flows);
        Assert.Equal(2, registry.AllVersions.Count);
        Assert.Equal($"{Version2.Version} (current), {Version1.Version}", registry.DescribeVersions("f"));
        Assert.Equal("none", registry.DescribeVersions("g"));
    }

    [Fact]
    public void A_second_current_version_is_refused_with_the_way_to_keep_the_old_one()
    {
        var registry = new FlowRegistry();
        registry.Add(Version1);

        var error = Assert.Throws<InvalidOperationException>(() => registry.Add(Version2));

        Assert.Contains("AddPreviousFlowVersion", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_version_on_two_queues_is_refused()
    {
        var registry = new FlowRegistry();
        registry.Add(Version2);
        registry.AddPreviousVersion(Version1, "q1");

        var error = Assert.Throws<InvalidOperationException>(() => registry.AddPreviousVersion(Version1, "q2"));

        Assert.Contains("'q1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'q2'", error.Message, StringComparison.Ordinal);
    }
}
