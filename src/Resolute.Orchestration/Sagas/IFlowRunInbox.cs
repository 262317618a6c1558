using MassTransit;

namespace Resolute.Orchestration.Sagas;

/// <summary>Remembers which messages the saga consumed, in the saga's own transaction, so a redelivery is recognised.</summary>
public interface IFlowRunInbox
{
    /// <summary>Records the message being consumed; false when it was consumed before (skip it).</summary>
    Task<bool> TryRecordAsync(ConsumeContext context);
}

/// <summary>No inbox: every delivery is handled (the decider still ignores duplicate replies by execution id).</summary>
public sealed class NoFlowRunInbox : IFlowRunInbox
{
    /// <inheritdoc />
    public Task<bool> TryRecordAsync(ConsumeContext context) => Task.FromResult(true);
}
