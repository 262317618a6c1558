using System.Text.Json;
using System.Text.Json.Serialization;

namespace Resolute.Serialization;

/// <summary>
/// The JSON settings Resolute uses for node inputs, node outputs, run inputs and <see cref="FlowState"/>.
/// One fixed set of options, so that a value written by the orchestrator reads back identically on a worker.
/// </summary>
public static class ResoluteJson
{
    /// <summary>
    /// Web defaults (camelCase, case-insensitive reads, numbers as numbers), enums as strings, no type-name
    /// metadata: a payload never decides which .NET type is created.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>The name Resolute records for a type: full name and assembly name, without version, so it survives upgrades.</summary>
    public static string TypeName(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return $"{type.FullName ?? type.Name}, {type.Assembly.GetName().Name}";
    }

    /// <summary>A short, readable name of a type for messages and plan descriptions (<c>FetchOutput</c>, <c>List&lt;Issue&gt;</c>).</summary>
    public static string DisplayName(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
        {
            name = name[..tick];
        }

        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(DisplayName))}>";
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = false,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
