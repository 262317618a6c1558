namespace Resolute.Orchestration.Sagas;

/// <summary>
/// A worker's reply names a run that the orchestrator's database does not have. The message goes to the orchestrator's
/// error queue with this text (it is not retried: a reply is sent only after its run committed, so waiting cannot help)
/// and changes no run.
/// </summary>
public sealed class ReplyForUnknownRunException : Exception
{
    /// <summary>Describes the reply.</summary>
    /// <param name="messageType">The reply's type, e.g. <c>NodeCompleted</c>.</param>
    /// <param name="runId">The run it names.</param>
    /// <param name="nodeName">The node it names.</param>
    /// <param name="executionId">The attempt it names.</param>
    public ReplyForUnknownRunException(string messageType, Guid runId, string? nodeName, Guid executionId)
        : base($"{messageType} for node '{nodeName}' (execution {executionId}) names run {runId}, which this orchestrator's database does not have. " +
               "No run was changed and the message was moved to the error queue. It comes from a worker that serves another orchestrator on the same broker " +
               "(check that workers and orchestrator share the RabbitMQ virtual host and database of one environment), or its run was deleted.")
    {
        RunId = runId;
    }

    /// <summary>The run the reply names.</summary>
    public Guid RunId { get; }
}
