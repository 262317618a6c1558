using System.Runtime.CompilerServices;
using System.Threading.Channels;
using MassTransit;
using Resolute.Contracts;

namespace Resolute.Client;

/// <summary>
/// <see cref="IFlowClient.WatchAsync"/>: a temporary endpoint that hears every run event, keeps one run's, and hands
/// them over in arrival order. The subscription is connected before the snapshot is read, so nothing between the two is
/// missed.
/// </summary>
internal static class FlowRunWatch
{
    public static async IAsyncEnumerable<FlowRunEvent> RunAsync(IBus bus, IFlowClient client, TimeProvider time, Guid runId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = Channel.CreateUnbounded<FlowRunEvent>(new UnboundedChannelOptions { SingleReader = true });
        var handle = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition("resolute-watch"), DefaultEndpointNameFormatter.Instance, e =>
        {
            // One at a time, so events are handed over in the order the endpoint received them.
            e.ConcurrentMessageLimit = 1;
            Keep<FlowRunStarted>(e, m => new FlowRunEvent { Kind = FlowRunEventKind.RunStarted, RunId = m.RunId, FlowName = m.FlowName, At = m.StartedAt, Message = m });
            Keep<FlowRunNodeDispatched>(e, m => new FlowRunEvent
            {
                Kind = FlowRunEventKind.NodeDispatched, RunId = m.RunId, FlowName = m.FlowName, At = m.DispatchedAt, StepName = m.StepName, NodeName = m.NodeName,
                Attempt = m.Attempt, IsCompensation = m.IsCompensation, ExecutionId = m.ExecutionId, Message = m,
            });
            Keep<FlowRunNodeStarted>(e, m => new FlowRunEvent
            {
                Kind = FlowRunEventKind.NodeStarted, RunId = m.RunId, FlowName = m.FlowName, At = m.StartedAt, StepName = m.StepName, NodeName = m.NodeName,
                Attempt = m.Attempt, IsCompensation = m.IsCompensation, ExecutionId = m.ExecutionId, Message = m,
            });
            Keep<FlowRunNodeCompleted>(e, m => new FlowRunEvent
            {
                Kind = FlowRunEventKind.NodeCompleted, RunId = m.RunId, FlowName = m.FlowName, At = m.CompletedAt, StepName = m.StepName, NodeName = m.NodeName,
                Attempt = m.Attempt, IsCompensation = m.IsCompensation, ExecutionId = m.ExecutionId, Message = m,
            });
            Keep<FlowRunNodeFailed>(e, m => new FlowRunEvent
            {
                Kind = FlowRunEventKind.NodeFailed, RunId = m.RunId, FlowName = m.FlowName, At = m.FailedAt, StepName = m.StepName, NodeName = m.NodeName,
                Attempt = m.Attempt, IsCompensation = m.IsCompensation, ExecutionId = m.ExecutionId, Error = m.Error, WillRetry = m.WillRetry, Message = m,
            });
            Keep<FlowRunRetryScheduled>(e, m => new FlowRunEvent
            {
                Kind = FlowRunEventKind.RetryScheduled, RunId = m.RunId, FlowName = m.FlowName, At = time.GetUtcNow(), NodeName = m.NodeName,
                Attempt = m.NextAttempt, NextAttemptAt = m.DueAt, Message = m,
            });
            Keep<FlowRunCompensationStarted>(e, m => new FlowRunEvent
            {
                Kind = FlowRunEventKind.CompensationStarted, RunId = m.RunId, FlowName = m.FlowName, At = m.StartedAt, NodeName = m.CompensationNode,
                IsCompensation = true, ForNode = m.ForNode, Message = m,
            });
            Keep<FlowRunCompensationCompleted>(e, m => new FlowRunEvent
            {
                Kind = FlowRunEventKind.CompensationCompleted, RunId = m.RunId, FlowName = m.FlowName, At = m.CompletedAt, NodeName = m.CompensationNode,
                IsCompensation = true, ForNode = m.ForNode, Message = m,
            });
            Keep<FlowRunCompensationFailed>(e, m => new FlowRunEvent
            {
                Kind = FlowRunEventKind.CompensationFailed, RunId = m.RunId, FlowName = m.FlowName, At = m.Error.OccurredAt, NodeName = m.CompensationNode,
                IsCompensation = true, ForNode = m.ForNode, Error = m.Error.Error, Message = m,
            });
            Keep<FlowRunCompleted>(e, m => new FlowRunEvent { Kind = FlowRunEventKind.RunCompleted, RunId = m.RunId, FlowName = m.FlowName, At = m.CompletedAt, Status = RunStatus.Completed, Message = m });
            Keep<FlowRunFailed>(e, m => new FlowRunEvent
            {
                Kind = m.Status == RunStatus.Cancelled ? FlowRunEventKind.RunCancelled : FlowRunEventKind.RunFailed,
                RunId = m.RunId, FlowName = m.FlowName, At = m.FailedAt, Status = m.Status, Error = m.Error.Error, Message = m,
            });
        });

        void Keep<T>(IReceiveEndpointConfigurator endpoint, Func<T, FlowRunEvent> describe)
            where T : class =>
            endpoint.Handler<T>(context =>
            {
                var item = describe(context.Message);
                if (item.RunId == runId)
                {
                    events.Writer.TryWrite(item);
                }

                return Task.CompletedTask;
            });

        try
        {
            await handle.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
            var snapshot = await client.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            var first = new FlowRunEvent { Kind = FlowRunEventKind.Snapshot, RunId = runId, FlowName = snapshot?.FlowName ?? string.Empty, At = time.GetUtcNow(), Snapshot = snapshot };
            yield return first;
            if (first.EndsRun)
            {
                yield break;
            }

            while (await events.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (events.Reader.TryRead(out var item))
                {
                    yield return item;
                    if (item.EndsRun)
                    {
                        yield break;
                    }
                }
            }
        }
        finally
        {
            events.Writer.TryComplete();
            await handle.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
