using System.Diagnostics;
using MassTransit;
using Resolute.Contracts;

namespace Resolute.Orchestration.Telemetry;

/// <summary>
/// Sends a node command inside its run's trace. The orchestrator sends while it handles some other message — a worker's
/// reply, a timer, a cancellation — or from the outbox sweeper, whose spans belong to other traces; the command's
/// <see cref="ExecuteNode.TraceParent"/> names the span it belongs under. For the send, the current activity is set
/// aside and MassTransit's <c>MT-Activity-Id</c> header is set to that span, so MassTransit's send span (when MassTransit
/// is traced) and the worker's receive span join the run's trace too.
/// </summary>
public static class RunTraceSending
{
    /// <summary>Sends <paramref name="message"/> to <paramref name="endpoint"/>, in its run's trace when it is a traced node command.</summary>
    /// <param name="endpoint">Where to.</param>
    /// <param name="message">The message.</param>
    /// <param name="messageType">Its type.</param>
    /// <param name="configure">Further settings of the send (message id...); may be null.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public static async Task SendAsync(ISendEndpoint endpoint, object message, Type messageType, Action<SendContext>? configure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(message);
        if (message is not ExecuteNode { TraceParent: { } traceParent })
        {
            await endpoint.Send(message, messageType, Pipe.Execute<SendContext>(c => configure?.Invoke(c)), cancellationToken).ConfigureAwait(false);
            return;
        }

        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            await endpoint.Send(message, messageType, Pipe.Execute<SendContext>(c =>
            {
                configure?.Invoke(c);
                c.Headers.Set(RunTraceStart.MassTransitActivityHeader, traceParent);
            }), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Activity.Current = previous;
        }
    }
}
