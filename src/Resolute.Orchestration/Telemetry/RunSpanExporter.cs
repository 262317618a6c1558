using System.Diagnostics;
using System.Reflection;
using Resolute.Diagnostics;

namespace Resolute.Orchestration.Telemetry;

/// <summary>
/// Exports the spans a run recorded (<see cref="RunSpanRecord"/>) through Resolute's <see cref="ActivitySource"/>, so they
/// reach whatever exporter the application's tracer provider has (OTLP to Jaeger in the compose file). Each becomes an
/// <see cref="Activity"/> started and stopped at once with the recorded start and end times, under the recorded parent.
/// <para>
/// A run, step or compensation span lasts longer than any one message and its children point at it from the moment it
/// began, so its id was chosen then. <see cref="Activity"/> has no public way to take a given span id; the id is written
/// into the activity's private field after <see cref="Activity.Start"/>, as Microsoft's Durable Task framework does for
/// the same reason. <see cref="CanAssignSpanIds"/> says whether this runtime allows it (a test pins it); when it does not,
/// such a span is exported with a fresh id and a link to the id its children name, so nothing is lost but the nesting.
/// </para>
/// </summary>
public static class RunSpanExporter
{
    private static readonly FieldInfo? SpanIdField = typeof(Activity).GetField("_spanId", BindingFlags.Instance | BindingFlags.NonPublic);
    private static readonly FieldInfo? IdField = typeof(Activity).GetField("_id", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>True when recorded span ids can be given to activities on this runtime.</summary>
    public static bool CanAssignSpanIds { get; } = ProbeSpanIdAssignment();

    /// <summary>Exports <paramref name="spans"/>; does nothing when no tracer listens to Resolute's source.</summary>
    public static void Export(IReadOnlyList<RunSpanRecord> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        if (spans.Count == 0 || !ResoluteTelemetry.Source.HasListeners())
        {
            return;
        }

        // The spans hang under their recorded parents only: whatever activity is current here (the consume of the
        // message that ended them) must not become a parent. Stop restores it after each span anyway.
        var current = Activity.Current;
        Activity.Current = null;
        try
        {
            foreach (var span in spans)
            {
                Export(span);
            }
        }
        finally
        {
            Activity.Current = current;
        }
    }

    private static void Export(RunSpanRecord span)
    {
        var traceId = ActivityTraceId.CreateFromString(span.TraceId);
        var parent = span.ParentSpanId is null
            ? default
            : new ActivityContext(traceId, ActivitySpanId.CreateFromString(span.ParentSpanId), span.Sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, span.TraceState, isRemote: true);
        var assign = span.SpanId is not null && CanAssignSpanIds;
        IEnumerable<ActivityLink>? links = span.SpanId is not null && !assign
            ? [new ActivityLink(new ActivityContext(traceId, ActivitySpanId.CreateFromString(span.SpanId), parent.TraceFlags))]
            : null;

        var activity = ResoluteTelemetry.Source.CreateActivity(span.Name, ActivityKind.Internal, parent, span.Tags, links);
        if (activity is null)
        {
            return;
        }

        activity.SetStartTime(span.StartedAt.UtcDateTime);
        activity.Start();
        if (assign)
        {
            Assign(activity, span.SpanId!);
        }

        if (span.Error is { } error)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
        }

        activity.SetEndTime(span.EndedAt.UtcDateTime);
        activity.Stop();
    }

    private static void Assign(Activity activity, string spanId)
    {
        SpanIdField!.SetValue(activity, spanId);

        // Id ("00-trace-span-flags") is computed from the span id on first read once it is cleared.
        IdField!.SetValue(activity, null);
    }

    private static bool ProbeSpanIdAssignment()
    {
        if (SpanIdField?.FieldType != typeof(string) || IdField?.FieldType != typeof(string))
        {
            return false;
        }

        try
        {
            var probe = new Activity("resolute-span-id-probe");
            probe.SetIdFormat(ActivityIdFormat.W3C);
            probe.SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
            var previous = Activity.Current;
            probe.Start();
            Activity.Current = previous;
            var wanted = ActivitySpanId.CreateRandom();
            Assign(probe, wanted.ToHexString());
            return probe.SpanId == wanted && probe.Context.SpanId == wanted && probe.Id?.Contains(wanted.ToHexString(), StringComparison.Ordinal) == true;
        }
        catch (Exception e) when (e is FieldAccessException or ArgumentException or FormatException)
        {
            return false;
        }
    }
}
