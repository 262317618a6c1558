namespace Resolute.Contracts;

/// <summary>
/// The default queue names of Resolute and how they are addressed, in one place for the orchestrator, the workers, the
/// client and the tests. Every name can be changed in the options; these are the values when nothing is set.
/// </summary>
public static class QueueNames
{
    /// <summary>The orchestrator's queue: <see cref="StartFlow"/>, <see cref="CancelFlowRun"/>, worker replies, timer wakes.</summary>
    public const string Orchestrator = "resolute-orchestrator";

    /// <summary>The queue that answers status queries (<see cref="GetFlowRun"/>) without waiting behind the saga.</summary>
    public const string Queries = "resolute-queries";

    /// <summary>The task queue of a flow registered without one (and of its nodes that name none).</summary>
    public const string DefaultTaskQueue = "resolute-nodes";

    /// <summary>The prefix of each worker process's temporary queue for <see cref="CancelNodeExecutions"/>.</summary>
    public const string NodeCancellation = "resolute-node-cancellation";

    /// <summary>The send address of <paramref name="queue"/> on any MassTransit transport (<c>queue:NAME</c>).</summary>
    public static Uri Address(string queue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        return new Uri($"queue:{queue}");
    }
}
