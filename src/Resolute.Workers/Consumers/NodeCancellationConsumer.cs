using MassTransit;
using Resolute.Contracts;

namespace Resolute.Workers.Consumers;

/// <summary>Fires the tokens of this process's running executions named by a cancelled run.</summary>
public sealed class NodeCancellationConsumer : IConsumer<CancelNodeExecutions>
{
    private readonly RunningNodes _running;

    /// <summary>Creates the consumer.</summary>
    public NodeCancellationConsumer(RunningNodes running) => _running = running;

    /// <inheritdoc />
    public Task Consume(ConsumeContext<CancelNodeExecutions> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _running.Cancel(context.Message.ExecutionIds);
        return Task.CompletedTask;
    }
}
