namespace Resolute.Contracts;

/// <summary>An error as it travels and is stored: exception type, message and stack.</summary>
public sealed record ErrorInfo
{
    /// <summary>The exception's full type name, e.g. <c>System.TimeoutException</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The message.</summary>
    public required string Message { get; init; }

    /// <summary>The stack trace, when there was one.</summary>
    public string? StackTrace { get; init; }

    /// <summary>Creates an <see cref="ErrorInfo"/> from an exception (inner exceptions appended to the message).</summary>
    public static ErrorInfo FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.Message;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            message += $" ---> {inner.GetType().FullName}: {inner.Message}";
        }

        return new ErrorInfo { Type = exception.GetType().FullName ?? exception.GetType().Name, Message = message, StackTrace = exception.StackTrace };
    }
}
