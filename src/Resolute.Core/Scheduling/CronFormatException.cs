namespace Resolute.Scheduling;

/// <summary>Thrown when a cron expression does not parse. The message names the field and says why.</summary>
public sealed class CronFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public CronFormatException(string expression, string? field, string reason)
        : base(field is null
            ? $"Cron expression '{expression}' is invalid: {reason}"
            : $"Cron expression '{expression}' is invalid in the {field} field: {reason}")
    {
        Expression = expression;
        Field = field;
        Reason = reason;
    }

    /// <summary>The expression as given.</summary>
    public string Expression { get; }

    /// <summary>The field that failed (<c>minute</c>, <c>hour</c>, <c>day-of-month</c>, <c>month</c>, <c>day-of-week</c>, <c>second</c>), or null when the whole expression is wrong.</summary>
    public string? Field { get; }

    /// <summary>Why the field was rejected.</summary>
    public string Reason { get; }
}
