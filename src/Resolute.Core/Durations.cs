using System.Globalization;

namespace Resolute;

/// <summary>Formats durations the way plans and errors print them (<c>2m</c>, <c>1h30m</c>, <c>250ms</c>).</summary>
internal static class Durations
{
    public static string Format(TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            return value.ToString("c", CultureInfo.InvariantCulture);
        }

        if (value < TimeSpan.FromSeconds(1))
        {
            return $"{value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)}ms";
        }

        var parts = new List<string>();
        if (value.Days > 0)
        {
            parts.Add($"{value.Days}d");
        }

        if (value.Hours > 0)
        {
            parts.Add($"{value.Hours}h");
        }

        if (value.Minutes > 0)
        {
            parts.Add($"{value.Minutes}m");
        }

        if (value.Seconds > 0 || value.Milliseconds > 0)
        {
            var seconds = value.Seconds + (value.Milliseconds / 1000.0);
            parts.Add($"{seconds.ToString("0.###", CultureInfo.InvariantCulture)}s");
        }

        return string.Concat(parts);
    }
}
