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
        return $"{FullName(type)}, {type.Assembly.GetName().Name}";
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

    // Type.FullName of a constructed generic type names its arguments with version, culture and public key token;
    // spell them out recursively with TypeName instead, so that no part of the name carries a version.
    private static string FullName(Type type)
    {
        if (type.IsArray)
        {
            return $"{FullName(type.GetElementType()!)}[{new string(',', type.GetArrayRank() - 1)}]";
        }

        if (!type.IsGenericType || type.IsGenericTypeDefinition)
        {
            return type.FullName ?? type.Name;
        }

        var definition = type.GetGenericTypeDefinition();
        return $"{definition.FullName ?? definition.Name}[{string.Join(",", type.GetGenericArguments().Select(a => $"[{TypeName(a)}]"))}]";
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
