using System.Globalization;
using MassTransit;
using MassTransit.Middleware;

namespace Resolute;

/// <summary>
/// Refuses a message whose body is larger than a limit before it is deserialised: the filter throws
/// <see cref="MessageTooLargeException"/>, which the rescue added with it (<see cref="MessageSizeLimitEndpointExtensions.UseMessageSizeLimit"/>)
/// hands to the endpoint's error transport — the message lands in the endpoint's <c>_error</c> queue with the reason in its
/// fault headers, is acknowledged, and the endpoint takes the next message.
/// </summary>
internal sealed class MessageSizeLimitFilter(long maxBytes, string optionKey) : IFilter<ReceiveContext>
{
    public Task Send(ReceiveContext context, IPipe<ReceiveContext> next)
    {
        // The transports Resolute runs on hold the body in memory with its length; the bytes are counted only when not.
        var size = context.Body.Length ?? context.Body.GetBytes().LongLength;
        if (size > maxBytes)
        {
            throw new MessageTooLargeException(size, maxBytes, optionKey, context.InputAddress, context.GetMessageId());
        }

        return next.Send(context);
    }

    public void Probe(ProbeContext context)
    {
        var scope = context.CreateFilterScope("messageSizeLimit");
        scope.Add("maxBytes", maxBytes);
    }
}

/// <summary>Adds <see cref="MessageSizeLimitFilter"/> to a receive endpoint.</summary>
internal static class MessageSizeLimitEndpointExtensions
{
    /// <summary>
    /// Sends a message larger than <paramref name="maxBytes"/> to the endpoint's error queue, undeserialised, with the reason.
    /// </summary>
    /// <remarks>
    /// Filters added with <c>ConfigureReceive</c> run before MassTransit's own dead-letter and rescue filters (added when the
    /// receive pipe is built), so an exception thrown there would reach the transport, which hands the message back to the
    /// broker to be delivered again, forever. Hence a rescue of its own, for this exception only, with the steps of
    /// MassTransit's default error pipe: report the fault, then move the message to the error transport.
    /// </remarks>
    public static void UseMessageSizeLimit(this IReceiveEndpointConfigurator endpoint, long maxBytes, string optionKey)
    {
        var toErrorQueue = Pipe.New<ExceptionReceiveContext>(p =>
        {
            p.UseFilter(new GenerateFaultFilter());
            p.UseFilter(new ErrorTransportFilter());
        });
        endpoint.ConfigureReceive(r =>
        {
            r.UseRescue(toErrorQueue, x => x.Handle<MessageTooLargeException>());
            r.UseFilter(new MessageSizeLimitFilter(maxBytes, optionKey));
        });
    }
}

/// <summary>
/// A message was larger than the receive endpoint's <c>MaxMessageBytes</c> and was moved to its error queue without being
/// read. Its message (the fault headers' <c>MT-Fault-Message</c>) names the size, the limit, the queue and the message id.
/// </summary>
public sealed class MessageTooLargeException : Exception
{
    /// <summary>Creates the exception for a message of <paramref name="size"/> bytes over <paramref name="limit"/>.</summary>
    /// <param name="size">The message body's size in bytes.</param>
    /// <param name="limit">The endpoint's limit in bytes.</param>
    /// <param name="optionKey">The configuration key of the limit, e.g. <c>Resolute:Worker:MaxMessageBytes</c>.</param>
    /// <param name="endpoint">The receive endpoint's address.</param>
    /// <param name="messageId">The message id, when the message has one.</param>
    public MessageTooLargeException(long size, long limit, string optionKey, Uri? endpoint, Guid? messageId)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"Message {messageId?.ToString() ?? "(no message id)"} on {endpoint?.ToString() ?? "(unknown endpoint)"} is {size} bytes; the limit is {limit} bytes ({optionKey}). It was not read and is kept in this error queue. Send a reference (an id, a blob URL) instead of the data, or raise {optionKey} on the receiving process."))
    {
        Size = size;
        Limit = limit;
    }

    /// <summary>Creates the exception.</summary>
    public MessageTooLargeException()
    {
    }

    /// <summary>Creates the exception with a message of its own.</summary>
    /// <param name="message">What went wrong.</param>
    public MessageTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message of its own and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MessageTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The message body's size in bytes.</summary>
    public long Size { get; }

    /// <summary>The endpoint's limit in bytes.</summary>
    public long Limit { get; }
}
