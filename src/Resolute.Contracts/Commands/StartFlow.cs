using System.Text.Json.Serialization;

namespace Resolute.Contracts;

/// <summary>
/// Starts a run of a flow. Publish it to the bus (or use <c>IFlowClient.StartAsync</c>). The orchestrator creates
/// one run per <see cref="RunId"/>: the first start wins. A second <c>StartFlow</c> with the same id, flow and input is
/// ignored, so retrying a publish is safe; one with the same id but another flow or another input starts nothing and is
/// recorded on the existing run (<see cref="FlowRunSnapshot.RefusedStarts"/>) and logged as a warning.
/// </summary>
/// <remarks>Contract version 1. Fields are only ever added; a breaking change gets a new message type.</remarks>
public sealed record StartFlow
{
    /// <summary>The run's id. Derive it from <see cref="IdempotencyKey"/> (see <see cref="RunIds.FromIdempotencyKey"/>) to make starts idempotent.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The flow's name as registered with the orchestrator.</summary>
    public required string FlowName { get; init; }

    /// <summary>
    /// The run input as JSON (an object, array or value), or null for none. On the wire it is a string holding the JSON
    /// text; the JSON value itself (<c>"inputJson": {"count": 21}</c>) is read too (<see cref="JsonTextConverter"/>).
    /// </summary>
    [JsonConverter(typeof(JsonTextConverter))]
    public string? InputJson { get; init; }

    /// <summary>The caller's key for this start request, recorded on the run.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>When the start was requested.</summary>
    public DateTimeOffset RequestedAt { get; init; }

    /// <summary>Who asked: <c>"client"</c>, <c>"cli"</c>, <c>"schedule"</c>, or an application's own label.</summary>
    public string? RequestedBy { get; init; }
}
