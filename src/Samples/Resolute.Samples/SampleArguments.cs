using System.Globalization;

namespace Resolute.Samples;

/// <summary>An option a sample accepts: <c>--name</c> (a flag) or <c>--name VALUE</c>.</summary>
internal sealed record SampleOption(string Name, string? ValueName, string Description)
{
    public override string ToString() => ValueName is null ? $"--{Name}" : $"--{Name} {ValueName}";
}

/// <summary>Bad arguments or settings: the command prints the message and exits 2.</summary>
internal sealed class SampleUsageException(string message) : Exception(message);

/// <summary>The options given to a sample, checked against what it accepts.</summary>
internal sealed class SampleArguments
{
    private readonly Dictionary<string, string?> _values;

    public SampleArguments(IReadOnlyDictionary<string, string?> values)
    {
        _values = new Dictionary<string, string?>(values, StringComparer.Ordinal);
    }

    /// <summary>No options: every sample's defaults.</summary>
    public static SampleArguments None { get; } = new(new Dictionary<string, string?>());

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Text(string name) => _values.GetValueOrDefault(name);

    public int Int(string name, int defaultValue, int min, int max)
    {
        if (!_values.TryGetValue(name, out var text))
        {
            return defaultValue;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new SampleUsageException($"--{name} must be a whole number from {min} to {max}; got '{text}'.");
    }

    /// <summary>Parses <c>--name</c> and <c>--name value</c> pairs, accepting only <paramref name="accepted"/>.</summary>
    public static SampleArguments Parse(IReadOnlyList<string> args, IReadOnlyList<SampleOption> accepted, string sample)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var option = arg.StartsWith("--", StringComparison.Ordinal) ? accepted.FirstOrDefault(o => o.Name == arg[2..]) : null;
            if (option is null)
            {
                throw new SampleUsageException(
                    $"'{arg}' is not an option of {sample}. Its options: {(accepted.Count == 0 ? "none" : string.Join(", ", accepted))}.");
            }

            if (values.ContainsKey(option.Name))
            {
                throw new SampleUsageException($"{option} is given twice.");
            }

            if (option.ValueName is null)
            {
                values[option.Name] = null;
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                values[option.Name] = args[++i];
            }
            else
            {
                throw new SampleUsageException($"{option} needs a value: {option.Description}");
            }
        }

        return new SampleArguments(values);
    }
}
