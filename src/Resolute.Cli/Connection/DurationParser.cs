using System.CommandLine;
using System.Globalization;

namespace Resolute.Cli.Connection;

/// <summary>Reads durations written as <c>10</c> (seconds), <c>10s</c>, <c>500ms</c>, <c>2m</c> or <c>1h</c>.</summary>
internal static class DurationParser
{
    /// <summary>The accepted forms, for error messages.</summary>
    public const string Forms = "a number of seconds or a number with ms, s, m or h, e.g. 10s, 500ms, 2m";

    /// <summary>Parses <paramref name="text"/>; false when it is not a positive duration.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        var (number, unit) = trimmed.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (trimmed[..^2], 0.001)
            : trimmed.EndsWith('s') || trimmed.EndsWith('S') ? (trimmed[..^1], 1.0)
            : trimmed.EndsWith('m') || trimmed.EndsWith('M') ? (trimmed[..^1], 60.0)
            : trimmed.EndsWith('h') || trimmed.EndsWith('H') ? (trimmed[..^1], 3600.0)
            : (trimmed, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount <= 0 || double.IsInfinity(amount))
        {
            return false;
        }

        value = TimeSpan.FromSeconds(amount * unit);
        return true;
    }

    /// <summary>An option holding a duration, with an error naming the option and the accepted forms.</summary>
    public static DurationOption Option(string name, string description, TimeSpan defaultValue, bool recursive = false) => new(new Option<TimeSpan?>(name)
    {
        // No DefaultValueFactory: help would print the default as 00:00:10; the description says "Default 10s".
        Description = description,
        HelpName = "duration",
        Recursive = recursive,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
            if (TryParse(text, out var value))
            {
                return value;
            }

            result.AddError($"{name} '{text}' is not a duration; write {Forms}");
            return null;
        },
    }, defaultValue);
}

/// <summary>A duration option and the value it has when not given.</summary>
internal sealed record DurationOption(Option<TimeSpan?> Option, TimeSpan Default)
{
    /// <summary>The value given, or <see cref="Default"/>.</summary>
    public TimeSpan Get(ParseResult parse) => parse.GetValue(Option) ?? Default;
}
