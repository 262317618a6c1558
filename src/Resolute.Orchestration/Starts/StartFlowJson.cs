using System.Text.Json;
using Resolute.Contracts;

namespace Resolute.Orchestration.Starts;

/// <summary>
/// Reads a <see cref="StartFlow"/> from the plain JSON a producer that does not use MassTransit sends: the message's
/// fields, camelCase (names are matched ignoring case), no envelope. Checks each field and says exactly what is wrong,
/// so that a bad message is rejected with a reason rather than read as something else.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>flowName</c> (string) is required.</item>
/// <item><c>runId</c> (a GUID string) is optional; without it the run id is derived from <c>idempotencyKey</c>
/// (<see cref="RunIds.FromIdempotencyKey"/>), so one of the two is required: a start without either could not be made
/// idempotent, nor its run be found again.</item>
/// <item><c>inputJson</c> is the run input: a string holding JSON text, or the JSON value itself; null or absent for none.</item>
/// <item><c>idempotencyKey</c>, <c>requestedBy</c> (strings) and <c>requestedAt</c> (ISO 8601; the time the message was
/// read when absent) are optional. Other fields are ignored, as on the MassTransit path.</item>
/// </list>
/// </remarks>
internal static class StartFlowJson
{
    /// <summary>What every rejection ends with: where the fields are described.</summary>
    public const string FieldsHint =
        "Expected a JSON object with flowName (required), runId or idempotencyKey (at least one), and optionally inputJson, requestedAt, requestedBy; " +
        "see docs/start-from-any-producer.md.";

    /// <summary>Reads <paramref name="body"/>, or throws <see cref="StartFlowJsonException"/> saying why it is not a start request.</summary>
    /// <param name="body">The message body, UTF-8 JSON.</param>
    /// <param name="receivedAt">The <see cref="StartFlow.RequestedAt"/> when the message has none.</param>
    public static StartFlow Read(ReadOnlyMemory<byte> body, DateTimeOffset receivedAt)
    {
        if (body.IsEmpty)
        {
            throw Rejected("the message body is empty.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            // No inner exception: MassTransit puts the innermost message in MT-Fault-Message, and this one says more.
            throw new StartFlowJsonException($"{Prefix}the body is not valid JSON: {e.Message} {FieldsHint}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Rejected($"the body is a JSON {Describe(root.ValueKind)}, not an object.");
            }

            var fields = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in root.EnumerateObject())
            {
                fields.TryAdd(property.Name, property.Value);
            }

            var flowName = OptionalString(fields, "flowName");
            if (string.IsNullOrWhiteSpace(flowName))
            {
                throw Rejected(LooksLikeEnvelope(fields)
                    ? "there is no flowName at the top level, and the body looks like a MassTransit envelope (message, messageType): " +
                      "send an envelope with content type application/vnd.masstransit+json, or only the message's fields as application/json."
                    : flowName is null ? "flowName is missing." : "flowName is empty.");
            }

            var idempotencyKey = OptionalString(fields, "idempotencyKey");
            var runId = OptionalRunId(fields);
            if (runId is null)
            {
                if (string.IsNullOrEmpty(idempotencyKey))
                {
                    throw Rejected("neither runId nor idempotencyKey is given: one is needed, so that a repeated message starts one run and the run can be found again.");
                }

                runId = RunIds.FromIdempotencyKey(flowName, idempotencyKey);
            }

            return new StartFlow
            {
                RunId = runId.Value,
                FlowName = flowName,
                InputJson = InputJson(fields),
                IdempotencyKey = idempotencyKey,
                RequestedAt = OptionalTimestamp(fields, "requestedAt") ?? receivedAt,
                RequestedBy = OptionalString(fields, "requestedBy"),
            };
        }
    }

    private const string Prefix = "Rejected a StartFlow sent as application/json: ";

    private static StartFlowJsonException Rejected(string reason) => new($"{Prefix}{reason} {FieldsHint}");

    private static string? OptionalString(Dictionary<string, JsonElement> fields, string name)
    {
        if (!fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw Rejected($"{name} must be a string, but is a JSON {Describe(value.ValueKind)}.");
    }

    private static Guid? OptionalRunId(Dictionary<string, JsonElement> fields)
    {
        var text = OptionalString(fields, "runId");
        if (text is null)
        {
            return null;
        }

        if (!Guid.TryParse(text, out var runId))
        {
            throw Rejected($"runId '{Shorten(text)}' is not a GUID (e.g. \"3f2c1d9e-8b1a-4c55-9f00-2a7d4e6b1c10\").");
        }

        return runId != Guid.Empty ? runId : throw Rejected("runId is the empty GUID; give a new GUID, or leave runId out and give an idempotencyKey.");
    }

    private static DateTimeOffset? OptionalTimestamp(Dictionary<string, JsonElement> fields, string name)
    {
        var text = OptionalString(fields, name);
        if (text is null)
        {
            return null;
        }

        return fields[name].TryGetDateTimeOffset(out var value)
            ? value
            : throw Rejected($"{name} '{Shorten(text)}' is not an ISO 8601 date and time (e.g. \"2026-12-01T10:00:00Z\").");
    }

    private static string? InputJson(Dictionary<string, JsonElement> fields)
    {
        if (!fields.TryGetValue("inputJson", out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            JsonValueKind.String => value.GetString(),
            _ => value.GetRawText(),
        };
    }

    private static bool LooksLikeEnvelope(Dictionary<string, JsonElement> fields) =>
        fields.ContainsKey("message") && fields.ContainsKey("messageType");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 80), "…");
}
