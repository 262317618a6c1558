using System.Globalization;

namespace Resolute;

/// <summary>
/// How a failed node is retried. Defaults: first retry after 1 s, each wait 2.0 times the previous, at most 1 min
/// between attempts, 3 attempts in total. <see cref="MaximumAttempts"/> = 0 means unlimited. Errors listed in
/// <see cref="NonRetryableErrors"/> (or derived from them), and <see cref="NonRetryableException"/>, get one attempt.
/// </summary>
public sealed record RetryPolicy
{
    /// <summary><see cref="MaximumAttempts"/> value meaning "retry until it succeeds".</summary>
    public const int Unlimited = 0;

    /// <summary>The defaults of the brief: 1 s, ×2.0, at most 1 min, 3 attempts.</summary>
    public static RetryPolicy Default { get; } = new();

    /// <summary>Wait before the first retry. Must be positive. Default 1 s.</summary>
    public TimeSpan InitialInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Each wait is the previous one times this. Must be at least 1.0. Default 2.0.</summary>
    public double BackoffCoefficient { get; init; } = 2.0;

    /// <summary>The longest wait between two attempts. Must not be below <see cref="InitialInterval"/>. Default 1 min.</summary>
    public TimeSpan MaximumInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Attempts in total, the first included; 0 = unlimited. Default 3.</summary>
    public int MaximumAttempts { get; init; } = 3;

    /// <summary>Exception types (and their subclasses) that are never retried.</summary>
    public IReadOnlyList<Type> NonRetryableErrors { get; init; } = [];

    /// <summary>The wait before attempt <paramref name="nextAttempt"/> (2 for the first retry).</summary>
    public TimeSpan GetDelayBefore(int nextAttempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nextAttempt, 2);
        var factor = Math.Pow(BackoffCoefficient, nextAttempt - 2);
        var ticks = InitialInterval.Ticks * factor;
        return ticks >= MaximumInterval.Ticks || double.IsInfinity(ticks)
            ? MaximumInterval
            : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Whether another attempt is allowed after <paramref name="attemptsMade"/> attempts failed.</summary>
    public bool AllowsAnotherAttempt(int attemptsMade) => MaximumAttempts == Unlimited || attemptsMade < MaximumAttempts;

    /// <summary>Whether this error may be retried at all (not <see cref="NonRetryableException"/> nor a listed type).</summary>
    public bool IsRetryable(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error is NonRetryableException)
        {
            return false;
        }

        var type = error.GetType();
        return !NonRetryableErrors.Any(t => t.IsAssignableFrom(type));
    }

    /// <summary>A short description for plans: <c>3 attempts, 1s ×2 ≤ 1m</c>.</summary>
    public string Describe()
    {
        var attempts = MaximumAttempts == Unlimited ? "unlimited attempts" : $"{MaximumAttempts} attempt{(MaximumAttempts == 1 ? "" : "s")}";
        return string.Create(CultureInfo.InvariantCulture, $"{attempts}, {Durations.Format(InitialInterval)} x{BackoffCoefficient:0.##} <= {Durations.Format(MaximumInterval)}");
    }

    internal IEnumerable<string> Validate()
    {
        if (MaximumAttempts < 0)
        {
            yield return $"retry MaximumAttempts is {MaximumAttempts}; it must be 1 or more, or 0 for unlimited.";
        }

        if (InitialInterval <= TimeSpan.Zero)
        {
            yield return $"retry InitialInterval is {InitialInterval}; it must be positive.";
        }

        if (double.IsNaN(BackoffCoefficient) || BackoffCoefficient < 1.0)
        {
            yield return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"retry BackoffCoefficient is {BackoffCoefficient}; it must be 1.0 or more.");
        }

        if (MaximumInterval < InitialInterval)
        {
            yield return $"retry MaximumInterval ({MaximumInterval}) is shorter than InitialInterval ({InitialInterval}).";
        }

        foreach (var type in NonRetryableErrors)
        {
            if (type is null || !typeof(Exception).IsAssignableFrom(type))
            {
                yield return $"retry NonRetryableErrors contains '{type?.FullName ?? "null"}', which is not an exception type.";
            }
        }
    }
}

/// <summary>Throw this from a node to fail it at once, without retries (for example: the input can never succeed).</summary>
public class NonRetryableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NonRetryableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public NonRetryableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public NonRetryableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
