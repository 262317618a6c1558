using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Resolute.Serialization;

namespace Resolute;

/// <summary>
/// The data of one run: the run input and every node output, stored under the node's <c>As()</c> key (else its
/// name). The engine persists it as JSON with the saga; each value keeps the type its node declared, so a value
/// read back after a restart is checked against the type asked for. Not thread-safe: the engine gives each run's
/// state to one handler at a time.
/// </summary>
public sealed class FlowState
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>An empty state with no run input.</summary>
    public FlowState()
    {
    }

    /// <summary>A state with the given run input (raw JSON).</summary>
    public FlowState(JsonElement? input)
    {
        Input = input?.Clone();
    }

    /// <summary>The run input as JSON, or null when the run was started without input.</summary>
    public JsonElement? Input { get; private set; }

    /// <summary>The keys present, in the order they were first set.</summary>
    public IReadOnlyCollection<string> Keys => _entries.Keys;

    /// <summary>Creates a state whose run input is <paramref name="input"/> serialised as JSON.</summary>
    public static FlowState WithInput<T>(T input) => new(JsonSerializer.SerializeToElement(input, ResoluteJson.Options));

    /// <summary>Whether a value is stored under <paramref name="key"/>.</summary>
    public bool Has(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _entries.ContainsKey(key);
    }

    /// <summary>The type name recorded for <paramref name="key"/> (see <see cref="ResoluteJson.TypeName"/>), or null when absent.</summary>
    public string? GetTypeName(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _entries.TryGetValue(key, out var entry) ? entry.TypeName : null;
    }

    /// <summary>
    /// The value under <paramref name="key"/> as <typeparamref name="T"/>.
    /// </summary>
    /// <exception cref="FlowStateException">The key is missing or holds another type; the message lists the keys present.</exception>
    public T Get<T>(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_entries.TryGetValue(key, out var entry))
        {
            throw new FlowStateException(key,
                $"FlowState has no key '{key}' (expected a {ResoluteJson.DisplayName(typeof(T))}). {DescribeKeys()} " +
                "A node's output is stored under its As(...) key, or under its name when As is not used, once the node has completed.");
        }

        return Read<T>(key, entry);
    }

    /// <summary>Reads <paramref name="key"/> when present and of a compatible type.</summary>
    /// <returns>False when the key is missing or holds another type (no exception).</returns>
    public bool TryGet<T>(string key, [MaybeNullWhen(false)] out T value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_entries.TryGetValue(key, out var entry) && IsCompatible<T>(entry))
        {
            try
            {
                value = Read<T>(key, entry);
                return true;
            }
            catch (FlowStateException)
            {
            }
        }

        value = default;
        return false;
    }

    /// <summary>The value under <paramref name="key"/>, or <paramref name="defaultValue"/> when missing or of another type.</summary>
    public T? GetOrDefault<T>(string key, T? defaultValue = default) => TryGet<T>(key, out var value) ? value : defaultValue;

    /// <summary>The run input read as <typeparamref name="T"/>; <c>default</c> when the run has no input.</summary>
    /// <exception cref="FlowStateException">The input does not read as <typeparamref name="T"/>.</exception>
    public T? GetInput<T>()
    {
        if (Input is null || Input.Value.ValueKind == JsonValueKind.Undefined)
        {
            return default;
        }

        try
        {
            return Input.Value.Deserialize<T>(ResoluteJson.Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new FlowStateException("(input)",
                $"The run input does not read as {ResoluteJson.DisplayName(typeof(T))}: {e.Message} Input was: {Truncate(Input.Value.GetRawText())}", e);
        }
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, recording <typeparamref name="T"/> as its type.</summary>
    public void Set<T>(string key, T value) => Set(key, value, typeof(T));

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, recording <paramref name="declaredType"/> as its type.</summary>
    public void Set(string key, object? value, Type declaredType)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(declaredType);
        if (value is not null && !declaredType.IsInstanceOfType(value))
        {
            throw new ArgumentException($"Value for '{key}' is a {value.GetType().FullName}, not the declared {declaredType.FullName}.", nameof(value));
        }

        var json = JsonSerializer.SerializeToElement(value, declaredType, ResoluteJson.Options);
        _entries[key] = new Entry(ResoluteJson.TypeName(declaredType), json, value, declaredType);
    }

    /// <summary>Stores an already serialised value (for example a node output received from a worker).</summary>
    /// <param name="key">The output key.</param>
    /// <param name="json">The value as JSON.</param>
    /// <param name="typeName">The declared type, as <see cref="ResoluteJson.TypeName"/> writes it.</param>
    public void SetJson(string key, JsonElement json, string typeName)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(typeName);
        _entries[key] = new Entry(typeName, json.Clone(), null, null);
    }

    /// <summary>The raw JSON stored under <paramref name="key"/>, or null when absent.</summary>
    public JsonElement? GetJson(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _entries.TryGetValue(key, out var entry) ? entry.Json : null;
    }

    /// <summary>Removes <paramref name="key"/>; returns whether it was present.</summary>
    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _entries.Remove(key);
    }

    /// <summary>
    /// The state as JSON: <c>{"input":…,"values":{"key":{"type":"Ns.Type, Assembly","value":…}}}</c>.
    /// </summary>
    public string ToJson()
    {
        // Values are already JSON: written raw, never re-parsed.
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("input");
            if (Input is { } input)
            {
                input.WriteTo(writer);
            }
            else
            {
                writer.WriteNullValue();
            }

            writer.WriteStartObject("values");
            foreach (var (key, entry) in _entries)
            {
                writer.WriteStartObject(key);
                writer.WriteString("type", entry.TypeName);
                writer.WritePropertyName("value");
                entry.Json.WriteTo(writer);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads a state written by <see cref="ToJson"/>.</summary>
    /// <exception cref="FormatException">The JSON is not a FlowState document.</exception>
    public static FlowState FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"FlowState JSON does not parse: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"FlowState JSON must be an object with 'input' and 'values', not {root.ValueKind}.");
            }

            var state = new FlowState();
            if (root.TryGetProperty("input", out var input) && input.ValueKind != JsonValueKind.Null)
            {
                state.Input = input.Clone();
            }

            if (root.TryGetProperty("values", out var values))
            {
                if (values.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException("FlowState JSON 'values' must be an object.");
                }

                foreach (var property in values.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.Object
                        || !property.Value.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                        || !property.Value.TryGetProperty("value", out var value))
                    {
                        throw new FormatException($"FlowState JSON value '{property.Name}' must be an object with a string 'type' and a 'value'.");
                    }

                    state._entries[property.Name] = new Entry(type.GetString()!, value.Clone(), null, null);
                }
            }

            return state;
        }
    }

    /// <summary>A deep copy (values are re-read from JSON on first access).</summary>
    public FlowState Clone() => FromJson(ToJson());

    private static bool IsCompatible<T>(Entry entry)
    {
        var requested = typeof(T);
        if (requested == typeof(object) || requested == typeof(JsonElement))
        {
            return true;
        }

        if (entry.TypeName == ResoluteJson.TypeName(requested))
        {
            return true;
        }

        var declared = entry.DeclaredType ?? ResolveDeclaredType(entry.TypeName);
        return declared is not null && requested.IsAssignableFrom(declared);
    }

    private static Type? ResolveDeclaredType(string typeName)
    {
        // Only to compare with the type asked for; the stored type name never decides what gets created
        // beyond a type the caller's own code declared for this key.
        try
        {
            return Type.GetType(typeName, throwOnError: false);
        }
        catch (Exception e) when (e is ArgumentException or IOException or BadImageFormatException or TypeLoadException)
        {
            return null;
        }
    }

    private T Read<T>(string key, Entry entry)
    {
        var requested = typeof(T);
        // The live value is returned only when the declared type allows it, so a read behaves the same before and
        // after the state went through JSON (where only the declared type is known).
        if (entry.Value is T live && (entry.DeclaredType is null || requested.IsAssignableFrom(entry.DeclaredType)))
        {
            return live;
        }

        if (requested == typeof(JsonElement))
        {
            return (T)(object)entry.Json.Clone();
        }

        Type? readAs = null;
        if (entry.TypeName == ResoluteJson.TypeName(requested))
        {
            readAs = requested;
        }
        else
        {
            var declared = entry.DeclaredType ?? ResolveDeclaredType(entry.TypeName);
            if (declared is not null && requested.IsAssignableFrom(declared))
            {
                readAs = declared;
            }
            else if (requested == typeof(object))
            {
                return (T)(object)entry.Json.Clone();
            }
        }

        if (readAs is null)
        {
            throw new FlowStateException(key,
                $"FlowState key '{key}' holds a {ShortTypeName(entry.TypeName)} ('{entry.TypeName}'), which cannot be read as {ResoluteJson.DisplayName(requested)}. " +
                $"Ask for the node's declared output type. {DescribeKeys()}");
        }

        object? value;
        try
        {
            value = entry.Json.Deserialize(readAs, ResoluteJson.Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new FlowStateException(key,
                $"FlowState key '{key}' does not read as {ResoluteJson.DisplayName(requested)}: {e.Message} {DescribeKeys()}", e);
        }

        if (value is null)
        {
            return default!;
        }

        _entries[key] = entry with { Value = value, DeclaredType = entry.DeclaredType ?? readAs };
        return (T)value;
    }

    private string DescribeKeys() => _entries.Count == 0
        ? "The state has no keys yet."
        : $"Keys present: {string.Join(", ", _entries.Select(e => $"'{e.Key}' ({ShortTypeName(e.Value.TypeName)})"))}.";

    private static string ShortTypeName(string typeName)
    {
        var comma = typeName.IndexOf(',', StringComparison.Ordinal);
        var full = comma >= 0 ? typeName[..comma] : typeName;
        // Generic names contain '[' ... keep them whole; otherwise show the simple name.
        if (full.Contains('[', StringComparison.Ordinal))
        {
            return full;
        }

        var dot = full.LastIndexOfAny(['.', '+']);
        return dot >= 0 ? full[(dot + 1)..] : full;
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private sealed record Entry(string TypeName, JsonElement Json, object? Value, Type? DeclaredType);
}
