using Resolute.Contracts;

namespace Resolute.Hosting.Tests;

/// <summary>The embedded default (in-memory transport + SQLite) runs the same engine in one process.</summary>
[Trait("Area", "Engine")]
public sealed class EmbeddedModeScenario : IDisposable
{
    private readonly string _database = SqliteFiles.NewPath();

    public sealed record Numbers(int A, int B);

    public sealed record Sum(int Value);

    [Fact]
    public async Task A_flow_with_a_parallel_step_and_a_conditional_completes_with_every_output()
    {
        var double1 = Node.Create<Numbers, Sum>("double-a", (n, _) => Task.FromResult(new Sum(n.A * 2))).As("a2");
        var double2 = Node.Create<Numbers, Sum>("double-b", (n, _) => Task.FromResult(new Sum(n.B * 2))).As("b2");
        var add = Node.Create<Numbers, Sum>("add", (n, _) => Task.FromResult(new Sum(n.A + n.B)))
            .WithInput(s => new Numbers(s.Get<Sum>("a2").Value, s.Get<Sum>("b2").Value));
        var big = Node.Create<Sum, string>("big", (s, _) => Task.FromResult($"big {s.Value}")).WithInput(s => s.Get<Sum>("add"));
        var small = Node.Create<Sum, string>("small", (s, _) => Task.FromResult($"small {s.Value}")).WithInput(s => s.Get<Sum>("add"));
        var flow = Flow.Create("embedded-math").TriggeredBy(Trigger.Manual())
            .ThenParallel("double", double1, double2)
            .Then(add)
            .When(s => s.Get<Sum>("add").Value > 10).Then(big).Else().Then(small).EndWhen()
            .Build();

        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flow));
        var bigRun = await host.Client.StartAsync("embedded-math", new Numbers(2, 5));
        var smallRun = await host.Client.StartAsync("embedded-math", new Numbers(1, 1));

        var bigResult = await host.Client.WaitForCompletionAsync(bigRun, TimeSpan.FromSeconds(30));
        var smallResult = await host.Client.WaitForCompletionAsync(smallRun, TimeSpan.FromSeconds(30));

        Assert.Equal(RunStatus.Completed, bigResult.Status);
        Assert.Equal(14, bigResult.State.Get<Sum>("add").Value);
        Assert.Equal("big 14", bigResult.State.Get<string>("big"));
        Assert.False(bigResult.State.Has("small"));
        Assert.Equal("small 4", smallResult.State.Get<string>("small"));
        Assert.Equal(4, bigResult.History.Count);
        Assert.All(bigResult.History, h => Assert.Equal(NodeExecutionOutcome.Completed, h.Outcome));
    }

    public void Dispose() => SqliteFiles.Delete(_database);
}
