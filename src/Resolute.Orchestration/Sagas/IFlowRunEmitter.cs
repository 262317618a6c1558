using MassTransit;
using Resolute.Contracts;
using Resolute.Orchestration.Decisions;
using Resolute.Orchestration.Telemetry;

namespace Resolute.Orchestration.Sagas;

/// <summary>
/// Carries out a decision's messages — node commands to their task queues, run events to subscribers. Every message
/// the saga emits goes through here, which is where the transactional outbox plugs in.
/// </summary>
public interface IFlowRunEmitter
{
    /// <summary>Emits the decision's commands and events within the consume of <paramref name="context"/>.</summary>
    Task EmitAsync(ConsumeContext context, FlowRunDecision decision);
}

/// <summary>
/// Emits through the consume context. With MassTransit's in-memory outbox on the endpoint the messages leave after
/// the saga's transaction committed, but a crash between commit and send loses them; the transactional outbox of
/// the persistence package closes that gap.
/// </summary>
public sealed class ConsumeContextEmitter : IFlowRunEmitter
{
    /// <inheritdoc />
    public async Task EmitAsync(ConsumeContext context, FlowRunDecision decision)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(decision);
        foreach (var dispatch in decision.Dispatches)
        {
            var endpoint = await context.GetSendEndpoint(QueueNames.Address(dispatch.TaskQueue)).ConfigureAwait(false);
            await RunTraceSending.SendAsync(endpoint, dispatch.Command, typeof(ExecuteNode), null, context.CancellationToken).ConfigureAwait(false);
        }

        foreach (var runEvent in decision.Events)
        {
            await context.Publish(runEvent, runEvent.GetType(), context.CancellationToken).ConfigureAwait(false);
        }
    }
}
