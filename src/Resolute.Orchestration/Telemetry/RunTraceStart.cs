using System.Diagnostics;
using MassTransit;
using Resolute.Contracts;
using Resolute.Diagnostics;
using Resolute.Orchestration.Runs;

namespace Resolute.Orchestration.Telemetry;

/// <summary>
/// Where a new run's trace comes from: the span that published its <see cref="StartFlow"/> (the client's start, a
/// schedule fire, an application's own span), read from the current activity (MassTransit's consume span, when
/// MassTransit is traced) or from the message headers — MassTransit's <c>MT-Activity-Id</c> or the W3C <c>traceparent</c>
/// a producer outside .NET sets. With no such span the run begins a trace of its own, under a short root span
/// (<c>start {flow}</c>) that takes the sampling decision for the whole run.
/// </summary>
public static class RunTraceStart
{
    /// <summary>MassTransit's header for the sending span (W3C traceparent format).</summary>
    public const string MassTransitActivityHeader = ResoluteTelemetry.MassTransitActivityHeader;

    /// <summary>The W3C Trace Context header, as a producer outside MassTransit sets it.</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>The W3C tracestate header.</summary>
    public const string TraceStateHeader = "tracestate";

    /// <summary>The trace of the run that <paramref name="context"/> starts; null when nothing traces Resolute.</summary>
    public static RunTrace? Begin(ConsumeContext<StartFlow> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!ResoluteTelemetry.Source.HasListeners())
        {
            return null;
        }

        var parent = Upstream(context);
        if (parent == default)
        {
            using var root = ResoluteTelemetry.Source.StartActivity($"start {context.Message.FlowName}", ActivityKind.Consumer, default(ActivityContext),
            [
                new(ResoluteAttributes.RunId, context.Message.RunId.ToString()),
                new(ResoluteAttributes.Flow, context.Message.FlowName),
            ]);
            if (root is null)
            {
                return null;
            }

            parent = root.Context;
        }

        return new RunTrace
        {
            TraceId = parent.TraceId.ToHexString(),
            RunSpanId = ActivitySpanId.CreateRandom().ToHexString(),
            ParentSpanId = parent.SpanId.ToHexString(),
            Sampled = (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0,
            TraceState = parent.TraceState,
        };
    }

    private static ActivityContext Upstream(ConsumeContext context)
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } current)
        {
            return current.Context;
        }

        var traceState = context.Headers.Get<string>(TraceStateHeader);
        foreach (var header in (ReadOnlySpan<string>)[MassTransitActivityHeader, TraceParentHeader])
        {
            if (context.Headers.Get<string>(header) is { } value && ActivityContext.TryParse(value, traceState, isRemote: true, out var parsed))
            {
                return parsed;
            }
        }

        return default;
    }
}
