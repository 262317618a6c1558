using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Contracts;
using Resolute.Orchestration.Timers;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Runs;
using Xunit.Abstractions;

namespace Resolute.Hosting.Tests;

/// <summary>A retry back-off is met on time in the embedded mode: the retry starts right after its back-off, not at a poll tick.</summary>
[Trait("Area", "Engine")]
public sealed class RetryTimerScenario : IDisposable
{
    private static readonly TimeSpan BackOff = TimeSpan.FromSeconds(1);

    private readonly string _database = SqliteFiles.NewPath();
    private readonly ITestOutputHelper _output;

    public RetryTimerScenario(ITestOutputHelper output) => _output = output;

    [Fact]
    [Trait("Area", "Engine")]
    public async Task A_node_that_fails_once_is_retried_after_its_one_second_back_off()
    {
        long failedAt = 0;
        long retriedAt = 0;
        var attempts = 0;
        var flaky = Node.Create<int, int>("flaky", (value, _) =>
            {
                if (Interlocked.Increment(ref attempts) == 1)
                {
                    Volatile.Write(ref failedAt, Stopwatch.GetTimestamp());
                    throw new InvalidOperationException("the first attempt fails");
                }

                Volatile.Write(ref retriedAt, Stopwatch.GetTimestamp());
                return Task.FromResult(value + 1);
            })
            .WithRetry(new RetryPolicy { InitialInterval = BackOff, MaximumAttempts = 2 });
        var flow = Flow.Create("retry-on-time").TriggeredBy(Trigger.Manual()).Then(flaky).Build();

        // The default timer settings: this measures what users get. The timer loop's looks are timed on the way.
        var looks = new ConcurrentQueue<(DateTimeOffset At, IReadOnlyList<(Guid RunId, DateTimeOffset DueAt)> Due)>();
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flow), services =>
            services.AddScoped<IDueRunSource>(sp => new TimedDueRunSource(new EfDueRunSource(sp.GetRequiredService<ResoluteDbContext>()), looks)));
        var runId = await host.Client.StartAsync("retry-on-time", 41);
        var run = await host.Client.WaitForCompletionAsync(runId, TimeSpan.FromSeconds(30));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(42, run.State.Get<int>("flaky"));
        Assert.Equal(2, attempts);
        var seenByNode = Stopwatch.GetElapsedTime(Volatile.Read(ref failedAt), Volatile.Read(ref retriedAt));
        var history = run.History.Where(h => h.NodeName == "flaky").OrderBy(h => h.Attempt).ToList();
        Assert.Equal(2, history.Count);
        var (failed, retry) = (history[0], history[1]);
        Assert.NotNull(failed.EndedAt);
        Assert.NotNull(retry.StartedAt);

        // The back-off counts from the failure the worker reported (its FailedAt), so lateness is measured from there,
        // split into the timer with the wake's transaction, and the command's trip to the worker. The node's own view
        // also holds the worker's handling of the exception before it stamps the failure (stack trace, logging).
        var lateness = retry.StartedAt.Value - failed.EndedAt.Value - BackOff;
        _output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"retry lateness: {lateness.TotalMilliseconds:0.0} ms (retry start - failure - {BackOff.TotalSeconds:0} s) = timer and wake {(retry.DispatchedAt - failed.EndedAt.Value - BackOff).TotalMilliseconds:0.0} ms + to the worker {(retry.StartedAt.Value - retry.DispatchedAt).TotalMilliseconds:0.0} ms; seen by the node (throw to retry): {(seenByNode - BackOff).TotalMilliseconds:0.0} ms"));
        var found = looks.First(l => l.Due.Any(d => d.RunId == runId));
        var dueAt = found.Due.First(d => d.RunId == runId).DueAt;
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  the timer loop looked {(found.At - dueAt).TotalMilliseconds:0.0} ms after the retry's due time"));

        // Generous bound: the retry is neither early nor stuck behind a slow poll; the lateness is reported above.
        Assert.InRange(seenByNode, BackOff - TimeSpan.FromMilliseconds(50), BackOff + TimeSpan.FromSeconds(1));
        Assert.InRange(lateness, TimeSpan.FromMilliseconds(-50), TimeSpan.FromSeconds(1));
    }

    [Theory]
    [Trait("Area", "Engine")]
    [InlineData(0)]
    [InlineData(-250)]
    public void AddResolute_rejects_a_safety_poll_that_is_not_positive(int milliseconds)
    {
        var flow = Flow.Create("f").TriggeredBy(Trigger.Manual()).Then(Node.Create<int, int>("a", (v, _) => Task.FromResult(v))).Build();

        var error = Assert.Throws<ResoluteConfigurationException>(() => new ServiceCollection().AddResolute(r => r
            .AddFlow(flow)
            .ConfigureOrchestrator(o => o.TimerPollInterval = TimeSpan.FromMilliseconds(milliseconds))));

        Assert.Equal("Resolute:Orchestrator:TimerPollInterval", error.Key);
        Assert.Contains("TimerPollInterval", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => SqliteFiles.Delete(_database);

    /// <summary>Records when the timer loop looked and what it found.</summary>
    private sealed class TimedDueRunSource(IDueRunSource inner, ConcurrentQueue<(DateTimeOffset At, IReadOnlyList<(Guid RunId, DateTimeOffset DueAt)> Due)> looks) : IDueRunSource
    {
        public async Task<DueRuns> GetDueRunsAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken)
        {
            var found = await inner.GetDueRunsAsync(now, maxCount, cancellationToken);
            looks.Enqueue((now, found.Due));
            return found;
        }
    }
}
