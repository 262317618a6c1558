using System.Reflection;
using System.Text.Json;
using MassTransit.Serialization;
using Resolute.Contracts;

namespace Resolute.Persistence.EntityFrameworkCore.Outbox;

/// <summary>
/// The message types the outbox stores: only types of the Resolute.Contracts assembly, written with their full name and
/// resolved on delivery from that assembly alone — a row can never make the process load an arbitrary type.
/// </summary>
internal static class OutboxContracts
{
    public static Assembly Assembly { get; } = typeof(ExecuteNode).Assembly;

    /// <summary>The name stored for <paramref name="type"/>; throws when it is not a contract.</summary>
    public static string NameOf(Type type)
    {
        if (type.Assembly != Assembly || type.FullName is not { } name || !IsPlainName(name) || type.IsGenericType)
        {
            throw new InvalidOperationException(
                $"The transactional outbox stores only message types of {Assembly.GetName().Name}; {type.FullName ?? type.Name} "
                + $"(from {type.Assembly.GetName().Name}) is not one. Saga decisions emit node commands and run events, which are contracts.");
        }

        return name;
    }

    /// <summary>The contract type named <paramref name="name"/>, or <see langword="null"/> when there is none.</summary>
    public static Type? Resolve(string name) =>
        IsPlainName(name) && Assembly.GetType(name, throwOnError: false, ignoreCase: false) is { IsGenericType: false, IsAbstract: false } type
            ? type
            : null;

    public static string Serialize(object message, Type type) =>
        JsonSerializer.Serialize(message, type, SystemTextJsonMessageSerializer.Options);

    public static object Deserialize(string body, Type type) =>
        JsonSerializer.Deserialize(body, type, SystemTextJsonMessageSerializer.Options)
        ?? throw new InvalidOperationException($"The outbox body of a {type.Name} is JSON null.");

    // Assembly-qualified or generic names could name types of other assemblies: never accepted.
    private static bool IsPlainName(string name) =>
        name.Length > 0 && name.IndexOfAny([',', '[', ']', '`']) < 0;
}
