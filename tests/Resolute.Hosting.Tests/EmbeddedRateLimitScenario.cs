using Resolute.Contracts;

namespace Resolute.Hosting.Tests;

/// <summary>
/// The embedded mode (in-memory transport + SQLite) enforces rate limits too: the limiter's ledger is a SQLite table,
/// written in the saga's writer turn.
/// </summary>
[Trait("Area", "RateLimits")]
public sealed class EmbeddedRateLimitScenario : IDisposable
{
    private readonly string _database = SqliteFiles.NewPath();

    [Fact]
    public async Task Twelve_runs_of_a_node_limited_to_10_per_second_start_at_most_11_in_any_second_and_one_interval_apart()
    {
        var limited = Node.Create<int, int>("limited", (value, _) => Task.FromResult(value + 1)).WithRateLimit(10, TimeSpan.FromSeconds(1));
        var flow = Flow.Create("embedded-limited").TriggeredBy(Trigger.Manual()).Then(limited).Build();
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flow));

        var runIds = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => host.Client.StartAsync("embedded-limited", i)));
        var runs = await Task.WhenAll(runIds.Select(id => host.Client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(30))));

        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));
        var starts = runs.Select(r => Assert.Single(r.History).StartedAt!.Value).Order().ToList();
        var gaps = starts.Zip(starts.Skip(1), (a, b) => b - a).ToList();

        // Slots are 100 ms apart; a start may come up to its 50 ms window after its slot, so two starts are at least 50 ms apart.
        Assert.All(gaps, g => Assert.True(g >= TimeSpan.FromMilliseconds(50), $"two starts {g.TotalMilliseconds:0} ms apart under 10 per second"));
        Assert.True(starts[^1] - starts[0] >= TimeSpan.FromMilliseconds(1050), $"12 starts at 10 per second took only {(starts[^1] - starts[0]).TotalMilliseconds:0} ms");
        // Twelve starts arrive within far less than the 1.1 s their slots span, so the later ones wait for their turn.
        Assert.True(runs.Count(r => r.History[0].RateLimitWait >= TimeSpan.FromMilliseconds(50)) >= 3, "the later runs should have waited for their turn");
    }

    public void Dispose() => SqliteFiles.Delete(_database);
}
