using Resolute.Contracts;

namespace Resolute.Workers.Execution;

/// <summary>How a node attempt ended, as <see cref="NodeAttemptRunner"/> sorts it (the names are the metrics' outcome labels).</summary>
internal enum NodeAttemptOutcome
{
    /// <summary>The node returned output that serialised within the limit.</summary>
    Completed,

    /// <summary>The node threw, or its output could not be serialised or was too large.</summary>
    Failed,

    /// <summary>The node's token fired at its timeout.</summary>
    TimedOut,

    /// <summary>The node's token fired because its run was cancelled.</summary>
    Cancelled,

    /// <summary>The attempt could not be served: unreadable input, a node that could not be created, an unknown node.</summary>
    Rejected,

    /// <summary>The worker stopped under the node: no reply, the command goes back to the queue.</summary>
    Interrupted,
}

/// <summary>The end of one node attempt: its outcome and what its reply carries (output, or error and retryability).</summary>
internal sealed class NodeAttemptResult
{
    private NodeAttemptResult(NodeAttemptOutcome outcome, string? outputJson, ErrorInfo? error, bool retryable, Exception? exception)
    {
        Outcome = outcome;
        OutputJson = outputJson;
        Error = error;
        Retryable = retryable;
        Exception = exception;
    }

    public NodeAttemptOutcome Outcome { get; }

    /// <summary>The node's output as JSON when it completed.</summary>
    public string? OutputJson { get; }

    /// <summary>The error of a failed, timed-out, cancelled or rejected attempt.</summary>
    public ErrorInfo? Error { get; }

    public bool Retryable { get; }

    /// <summary>What the node threw, when that is the failure (or the interruption); null for the other outcomes.</summary>
    public Exception? Exception { get; }

    public static NodeAttemptResult Completed(string outputJson) => new(NodeAttemptOutcome.Completed, outputJson, null, false, null);

    public static NodeAttemptResult Failure(NodeAttemptOutcome outcome, string type, string message, bool retryable) =>
        new(outcome, null, new ErrorInfo { Type = type, Message = message }, retryable, null);

    /// <summary>The worker cannot serve the attempt: a non-retryable failure.</summary>
    public static NodeAttemptResult Rejected(string type, string message) => Failure(NodeAttemptOutcome.Rejected, type, message, retryable: false);

    public static NodeAttemptResult Threw(Exception exception, ErrorInfo error, bool retryable) => new(NodeAttemptOutcome.Failed, null, error, retryable, exception);

    public static NodeAttemptResult Interrupted(Exception exception) => new(NodeAttemptOutcome.Interrupted, null, null, false, exception);

    /// <summary>The reply to the orchestrator: <see cref="NodeCompleted"/> or <see cref="NodeFailed"/>.</summary>
    /// <exception cref="InvalidOperationException">The attempt was interrupted: it has no reply.</exception>
    public object ToReply(ExecuteNode command, DateTimeOffset startedAt, DateTimeOffset endedAt, string workerId, string taskQueue)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (Outcome == NodeAttemptOutcome.Completed)
        {
            return new NodeCompleted
            {
                RunId = command.RunId,
                ExecutionId = command.ExecutionId,
                NodeName = command.NodeName,
                Attempt = command.Attempt,
                OutputJson = OutputJson,
                StartedAt = startedAt,
                CompletedAt = endedAt,
                WorkerId = workerId,
                TaskQueue = taskQueue,
            };
        }

        return new NodeFailed
        {
            RunId = command.RunId,
            ExecutionId = command.ExecutionId,
            NodeName = command.NodeName,
            Attempt = command.Attempt,
            Error = Error ?? throw new InvalidOperationException($"Node '{command.NodeName}' attempt {command.Attempt} was interrupted by the worker stopping; it has no reply."),
            Retryable = Retryable,
            StartedAt = startedAt,
            FailedAt = endedAt,
            WorkerId = workerId,
            TaskQueue = taskQueue,
        };
    }
}
