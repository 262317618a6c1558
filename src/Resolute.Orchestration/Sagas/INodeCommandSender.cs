using MassTransit;
using Resolute.Orchestration.Decisions;

namespace Resolute.Orchestration.Sagas;

/// <summary>Carries a node command from the saga to its task queue.</summary>
public interface INodeCommandSender
{
    /// <summary>Sends <paramref name="dispatch"/> within the consume of <paramref name="context"/>.</summary>
    Task SendAsync(ConsumeContext context, NodeDispatch dispatch);
}

/// <summary>
/// Sends node commands to <c>queue:{taskQueue}</c> through the consume context, so the endpoint's outbox holds them
/// until the saga's transaction committed.
/// </summary>
public sealed class QueueNodeCommandSender : INodeCommandSender
{
    /// <inheritdoc />
    public async Task SendAsync(ConsumeContext context, NodeDispatch dispatch)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(dispatch);
        var endpoint = await context.GetSendEndpoint(new Uri($"queue:{dispatch.TaskQueue}")).ConfigureAwait(false);
        await endpoint.Send(dispatch.Command, context.CancellationToken).ConfigureAwait(false);
    }
}
