using System.Globalization;

namespace Resolute.Health;

/// <summary>Durations as the health checks' descriptions write them.</summary>
internal static class HealthText
{
    public static string Duration(TimeSpan value) => value.TotalSeconds < 120
        ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.#} s")
        : string.Create(CultureInfo.InvariantCulture, $"{value.TotalMinutes:0.#} min");
}
