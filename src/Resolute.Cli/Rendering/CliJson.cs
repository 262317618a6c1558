using System.Text.Json;
using System.Text.Json.Serialization;

namespace Resolute.Cli.Rendering;

/// <summary>The JSON settings of <c>--output json</c>: camelCase names, enums as strings, nulls kept so every property is always there.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };
}
