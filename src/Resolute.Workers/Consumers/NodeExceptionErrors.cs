using System.Globalization;
using System.Text;
using Resolute.Contracts;

namespace Resolute.Workers.Consumers;

/// <summary>
/// The error a node's exception becomes in the run's history. Most exceptions read as they are; the ones that would
/// say nothing useful are spelled out: an empty (or null) message, an <see cref="AggregateException"/> with several
/// inner errors, an <see cref="OperationCanceledException"/> that neither the node's timeout nor its run's cancellation
/// caused, and a <see cref="Exception.Message"/> that itself throws.
/// </summary>
internal static class NodeExceptionErrors
{
    private const int MaxInnerErrors = 10;

    /// <summary>The <see cref="ErrorInfo"/> of <paramref name="exception"/>, thrown by node <paramref name="nodeName"/>.</summary>
    /// <param name="exception">What the node threw (its timeout and its run's cancellation are handled before this).</param>
    /// <param name="nodeName">The node.</param>
    /// <param name="timeout">The node's timeout, to say it did not fire.</param>
    public static ErrorInfo Describe(Exception exception, string nodeName, TimeSpan timeout)
    {
        var type = TypeName(exception);
        var message = exception switch
        {
            AggregateException aggregate => DescribeAggregate(aggregate),
            OperationCanceledException => $"Node '{nodeName}' threw {type} ({MessageOf(exception) ?? "no message"}) although its timeout ({timeout}) had not passed " +
                                          "and its run was not cancelled: a token the node used itself was cancelled (an HttpClient timeout, a token of its own). " +
                                          "It counts as a failed attempt and follows the node's retry policy. Pass NodeContext.CancellationToken to the calls the node makes, " +
                                          "or catch that cancellation in the node.",
            _ => WithInner(exception, MessageOf(exception) ?? $"Node '{nodeName}' threw {type} with no message (see the stack trace). Give the exception a message that says what went wrong."),
        };
        return new ErrorInfo { Type = type, Message = message, StackTrace = StackTraceOf(exception) };
    }

    private static string DescribeAggregate(AggregateException aggregate)
    {
        var inner = aggregate.Flatten().InnerExceptions;
        if (inner.Count == 0)
        {
            return MessageOf(aggregate) ?? "An AggregateException with no inner exceptions.";
        }

        var text = new StringBuilder($"{inner.Count} error{(inner.Count == 1 ? "" : "s")} at once (AggregateException):");
        for (var i = 0; i < inner.Count && i < MaxInnerErrors; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $" [{i + 1}] {TypeName(inner[i])}: {WithInner(inner[i], MessageOf(inner[i]) ?? "(no message)")}");
        }

        if (inner.Count > MaxInnerErrors)
        {
            text.Append(CultureInfo.InvariantCulture, $" ... and {inner.Count - MaxInnerErrors} more.");
        }

        return text.ToString();
    }

    private static string WithInner(Exception exception, string message)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            message += $" ---> {TypeName(inner)}: {MessageOf(inner) ?? "(no message)"}";
        }

        return message;
    }

    private static string TypeName(Exception exception) => exception.GetType().FullName ?? exception.GetType().Name;

    /// <summary>The exception's message; null when it is null, empty or whitespace, or when reading it throws.</summary>
    private static string? MessageOf(Exception exception)
    {
        try
        {
            return string.IsNullOrWhiteSpace(exception.Message) ? null : exception.Message;
        }
#pragma warning disable CA1031 // A node's exception whose Message throws must still become a readable error.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return $"(reading the exception's message threw {TypeName(e)})";
        }
    }

    private static string? StackTraceOf(Exception exception)
    {
        try
        {
            return exception.StackTrace;
        }
#pragma warning disable CA1031 // As above: a hostile StackTrace getter must not lose the error.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }
}
