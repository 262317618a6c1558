using System.Net.Mime;
using MassTransit;
using MassTransit.Serialization;
using Resolute.Orchestration.Starts;

namespace Resolute.Orchestration;

/// <summary>Lets producers that do not use MassTransit start runs: see <see cref="UseStartFlowJson"/>.</summary>
public static class StartFlowJsonEndpointExtensions
{
    /// <summary>The content type of a start request that is the <c>StartFlow</c>'s fields only: <c>application/json</c>.</summary>
    public const string RawJsonContentType = "application/json";

    /// <summary>The content type of a message in MassTransit's envelope: <c>application/vnd.masstransit+json</c>.</summary>
    public const string EnvelopeContentType = "application/vnd.masstransit+json";

    /// <summary>
    /// Makes the orchestrator's receive endpoint accept a <c>StartFlow</c> from any producer. By the message's content type:
    /// <list type="bullet">
    /// <item><c>application/json</c>: the body is the <c>StartFlow</c>'s fields (<c>flowName</c>, <c>runId</c> or
    /// <c>idempotencyKey</c>, <c>inputJson</c> as a string or a JSON value, …) and is read as a <c>StartFlow</c> only,
    /// never as another message the saga consumes. A body that is not a valid start request goes to the error queue
    /// with the reason (<see cref="StartFlowJsonException"/>).</item>
    /// <item><c>application/vnd.masstransit+json</c>: MassTransit's envelope, unchanged — every message of the saga.</item>
    /// <item>any other content type, or none: rejected to the error queue with a reason naming the two above.</item>
    /// </list>
    /// </summary>
    /// <param name="endpoint">The orchestrator's receive endpoint.</param>
    /// <param name="time">The clock for <c>requestedAt</c> when a raw start request has none; <see cref="TimeProvider.System"/> by default.</param>
    public static void UseStartFlowJson(this IReceiveEndpointConfigurator endpoint, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var clock = time ?? TimeProvider.System;
        endpoint.AddDeserializer(new DeserializerOnlyFactory(StartFlowJsonDeserializer.JsonContentType, () => new StartFlowJsonDeserializer(clock)));
        endpoint.AddDeserializer(
            new DeserializerOnlyFactory(new ContentType(EnvelopeContentType), () => new EnvelopeOnlyDeserializer(SystemTextJsonMessageSerializer.Instance)),
            isDefault: true);
    }
}
