using System.Text.Json;
using System.Text.Json.Serialization;

namespace Resolute.Contracts;

/// <summary>
/// Reads a property that holds JSON text (such as <see cref="StartFlow.InputJson"/>) from either form a producer may
/// write: a JSON string whose content is the JSON text (<c>"inputJson": "{\"count\":21}"</c>, what .NET writes), or the
/// JSON value itself (<c>"inputJson": {"count": 21}</c>, an object, array, number, <c>true</c> or <c>false</c>), whose raw
/// text is then kept as it was sent. <c>null</c> reads as null. Always writes a JSON string, so every reader of the
/// contract, old or new, understands what is written.
/// </summary>
/// <remarks>
/// A string is taken as it is, without checking that it is valid JSON: the orchestrator does that when the run starts
/// and ends the run with <see cref="ErrorTypes.InvalidInput"/> otherwise, a reason that can be queried.
/// </remarks>
public sealed class JsonTextConverter : JsonConverter<string?>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
            case JsonTokenType.Number:
            case JsonTokenType.True:
            case JsonTokenType.False:
                using (var value = JsonDocument.ParseValue(ref reader))
                {
                    return value.RootElement.GetRawText();
                }

            default:
                throw new JsonException($"Expected JSON text as a string, or a JSON value (object, array, number, true or false), but found {reader.TokenType}.");
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
