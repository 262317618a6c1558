using System.Globalization;
using Resolute.Contracts;
using Spectre.Console;

namespace Resolute.Cli.Rendering;

/// <summary>Colours and short formats shared by the tables, the live view and the Gantt chart.</summary>
internal static class Styles
{
    public static string Status(RunStatus status) => $"[{Colour(status)}]{status}[/]";

    public static string Colour(RunStatus status) => status switch
    {
        RunStatus.Completed => "green",
        RunStatus.Failed or RunStatus.CompensationFailed => "red",
        RunStatus.Cancelled or RunStatus.Compensating => "yellow",
        RunStatus.Running => "blue",
        _ => "grey",
    };

    public static string Colour(NodeExecutionOutcome outcome, bool isCompensation) => outcome switch
    {
        NodeExecutionOutcome.Completed => isCompensation ? "yellow" : "green",
        NodeExecutionOutcome.Failed => "red",
        NodeExecutionOutcome.RetryScheduled => "darkorange",
        NodeExecutionOutcome.Abandoned => "grey",
        NodeExecutionOutcome.Pending => "blue",
        _ => "grey",
    };

    /// <summary>A duration as people read it: 850ms, 12.3s, 4m05s, 2h10m.</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        return duration.TotalSeconds < 1 ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0}ms")
            : duration.TotalMinutes < 1 ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.0}s")
            : duration.TotalHours < 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes}m{duration.Seconds:00}s")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours}h{duration.Minutes:00}m");
    }

    /// <summary>A timeout as written on the command line: 10s, 2.5s.</summary>
    public static string Seconds(TimeSpan timeout) => string.Create(CultureInfo.InvariantCulture, $"{timeout.TotalSeconds:0.###}s");

    /// <summary>A UTC time, to the millisecond.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Text put into markup safely.</summary>
    public static string Escape(string? text) => Markup.Escape(text ?? string.Empty);
}
