using System.Collections.Concurrent;
using System.Diagnostics;
using Resolute.Contracts;
using Resolute.Diagnostics;

namespace Resolute.Hosting.Tests.Observability;

/// <summary>
/// Where a run's trace begins: the client's <c>start {flow}</c> span, or a schedule tick's <c>schedule {flow}</c> span —
/// the run span hangs under it even when MassTransit itself is not traced (only Resolute's source listens here), because
/// the publisher names its span in the message's headers.
/// </summary>
[Trait("Area", "Observability")]
public sealed class TraceStartScenario : IDisposable
{
    private readonly string _database = SqliteFiles.NewPath();
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public TraceStartScenario()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ResoluteTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task A_client_start_is_the_root_of_the_runs_trace()
    {
        var flow = Flow.Create("traced-start").TriggeredBy(Trigger.Manual()).Then(Node.Create<int, int>("double", (i, _) => Task.FromResult(2 * i))).Build();
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flow));

        var runId = await host.Client.StartAsync(flow.Name, 21);
        var run = await host.Client.WaitForCompletionAsync(runId, TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Completed, run.Status);

        var runSpan = await SpanAsync(a => a.DisplayName == "run traced-start" && Tag(a, ResoluteAttributes.RunId) == runId.ToString());
        var start = await SpanAsync(a => a.DisplayName == "start traced-start" && Tag(a, ResoluteAttributes.RunId) == runId.ToString());
        Assert.Equal(ActivityKind.Producer, start.Kind);
        Assert.Equal(start.TraceId, runSpan.TraceId);
        Assert.Equal(start.SpanId, runSpan.ParentSpanId);
        Assert.Equal(runSpan.TraceId.ToHexString(), run.TraceId);

        var step = await SpanAsync(a => a.DisplayName == "step double" && a.TraceId == runSpan.TraceId);
        var node = await SpanAsync(a => a.DisplayName == "node double" && a.TraceId == runSpan.TraceId);
        Assert.Equal(runSpan.SpanId, step.ParentSpanId);
        Assert.Equal(step.SpanId, node.ParentSpanId);
    }

    [Fact]
    public async Task A_schedule_tick_is_the_root_of_its_runs_trace()
    {
        var flow = Flow.Create("traced-tick").TriggeredBy(Trigger.Schedule("* * * * * *")).Then(Node.Create<int, int>("tick", (i, _) => Task.FromResult(i))).Build();
        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flow));

        var runSpan = await SpanAsync(a => a.DisplayName == "run traced-tick");
        // The tick's span ends when its publish returned, which may be after the (quick) run ended.
        var tick = await SpanAsync(a => a.DisplayName == "schedule traced-tick" && a.SpanId == runSpan.ParentSpanId);
        Assert.Equal(tick.TraceId, runSpan.TraceId);
        Assert.Equal(Tag(tick, ResoluteAttributes.RunId), Tag(runSpan, ResoluteAttributes.RunId));
    }

    public void Dispose()
    {
        _listener.Dispose();
        SqliteFiles.Delete(_database);
    }

    private static string? Tag(Activity activity, string key) => activity.GetTagItem(key)?.ToString();

    private async Task<Activity> SpanAsync(Func<Activity, bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            if (_stopped.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No such span within 20 s; spans seen: {string.Join(", ", _stopped.Select(a => a.DisplayName).Distinct())}");
            await Task.Delay(50);
        }
    }
}
