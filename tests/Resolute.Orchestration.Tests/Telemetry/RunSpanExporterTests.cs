using System.Collections.Concurrent;
using System.Diagnostics;
using Resolute.Diagnostics;
using Resolute.Orchestration.Telemetry;

namespace Resolute.Orchestration.Tests.Telemetry;

/// <summary>
/// Spans recorded by the run rules become activities with the ids, parent, times and status recorded — the span id
/// chosen when the span began included, which children already point at. This pins the runtime detail that makes it
/// possible (<see cref="RunSpanExporter.CanAssignSpanIds"/>): a runtime upgrade that breaks it fails here.
/// </summary>
[Trait("Area", "Observability")]
public sealed class RunSpanExporterTests : IDisposable
{
    private readonly ConcurrentBag<Activity> _stopped = [];
    private readonly ActivityListener _listener;

    public RunSpanExporterTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ResoluteTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) || options.Parent == default
                    ? ActivitySamplingResult.AllDataAndRecorded
                    : ActivitySamplingResult.None,
            ActivityStopped = _stopped.Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public void This_runtime_lets_recorded_span_ids_be_given_to_activities()
    {
        Assert.True(RunSpanExporter.CanAssignSpanIds,
            "System.Diagnostics.Activity no longer has the private _spanId/_id string fields Resolute writes a recorded span id into; run, step and compensation spans would lose their nesting. Adapt RunSpanExporter to this runtime.");
    }

    [Fact]
    public void A_recorded_span_is_exported_with_its_own_id_parent_times_tags_and_error_and_leaves_the_current_activity_alone()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spanId = ActivitySpanId.CreateRandom();
        var parentId = ActivitySpanId.CreateRandom();
        var start = new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
        using var current = new Activity("caller").Start();

        RunSpanExporter.Export(
        [
            new RunSpanRecord("step enrich", traceId.ToHexString(), spanId.ToHexString(), parentId.ToHexString(), Sampled: true, TraceState: null,
                start, start.AddSeconds(90), [new(ResoluteAttributes.Step, "enrich")], new RunSpanError("NodeTimeout", "jira did not answer")),
        ]);

        Assert.Same(current, Activity.Current);
        var exported = Assert.Single(_stopped, a => a.TraceId == traceId);
        Assert.Equal("step enrich", exported.DisplayName);
        Assert.Equal(spanId, exported.SpanId);
        Assert.Equal(parentId, exported.ParentSpanId);
        Assert.Equal(start.UtcDateTime, exported.StartTimeUtc);
        Assert.Equal(TimeSpan.FromSeconds(90), exported.Duration);
        Assert.Equal(ActivityStatusCode.Error, exported.Status);
        Assert.Equal("jira did not answer", exported.StatusDescription);
        Assert.Equal("enrich", exported.GetTagItem(ResoluteAttributes.Step));
        Assert.Equal($"00-{traceId}-{spanId}-01", exported.Id);
    }

    [Fact]
    public void A_span_of_an_unsampled_trace_is_not_exported()
    {
        var traceId = ActivityTraceId.CreateRandom();

        RunSpanExporter.Export(
        [
            new RunSpanRecord("run x", traceId.ToHexString(), ActivitySpanId.CreateRandom().ToHexString(), ActivitySpanId.CreateRandom().ToHexString(), Sampled: false, null,
                DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, [], null),
        ]);

        Assert.DoesNotContain(_stopped, a => a.TraceId == traceId);
    }
}
