namespace Resolute.Contracts;

/// <summary>
/// Published when the orchestrator sends an attempt of a node (or of a compensation) to its task queue — also when it
/// sends the same attempt again (a worker without the run's flow version declined it). One of the node lifecycle events
/// (dispatched, started, completed, failed: <see cref="FlowRunNodeFailed"/>) that let a client follow a run as it goes.
/// </summary>
public sealed record FlowRunNodeDispatched
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The flow.</summary>
    public required string FlowName { get; init; }

    /// <summary>The step.</summary>
    public required string StepName { get; init; }

    /// <summary>The node.</summary>
    public required string NodeName { get; init; }

    /// <summary>The attempt.</summary>
    public required int Attempt { get; init; }

    /// <summary>The attempt's id: the same in its started, completed or failed event.</summary>
    public required Guid ExecutionId { get; init; }

    /// <summary>True for a compensation node.</summary>
    public bool IsCompensation { get; init; }

    /// <summary>The queue it was sent to.</summary>
    public required string TaskQueue { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset DispatchedAt { get; init; }
}

/// <summary>
/// Published by the worker when it starts running an attempt (after any wait in its queue or for its rate-limit window).
/// A command delivered again and answered from the worker's memory of replies publishes nothing.
/// </summary>
public sealed record FlowRunNodeStarted
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The flow.</summary>
    public required string FlowName { get; init; }

    /// <summary>The step.</summary>
    public required string StepName { get; init; }

    /// <summary>The node.</summary>
    public required string NodeName { get; init; }

    /// <summary>The attempt.</summary>
    public required int Attempt { get; init; }

    /// <summary>The attempt's id.</summary>
    public required Guid ExecutionId { get; init; }

    /// <summary>True for a compensation node.</summary>
    public bool IsCompensation { get; init; }

    /// <summary>The worker that runs it.</summary>
    public required string WorkerId { get; init; }

    /// <summary>When (the worker's clock).</summary>
    public DateTimeOffset StartedAt { get; init; }
}

/// <summary>Published when the orchestrator recorded an attempt of a node (or of a compensation) as completed.</summary>
public sealed record FlowRunNodeCompleted
{
    /// <summary>The run.</summary>
    public required Guid RunId { get; init; }

    /// <summary>The flow.</summary>
    public required string FlowName { get; init; }

    /// <summary>The step.</summary>
    public required string StepName { get; init; }

    /// <summary>The node.</summary>
    public required string NodeName { get; init; }

    /// <summary>The attempt.</summary>
    public required int Attempt { get; init; }

    /// <summary>The attempt's id.</summary>
    public required Guid ExecutionId { get; init; }

    /// <summary>True for a compensation node.</summary>
    public bool IsCompensation { get; init; }

    /// <summary>The worker that ran it.</summary>
    public string? WorkerId { get; init; }

    /// <summary>When the worker started it.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it completed (the worker's clock).</summary>
    public DateTimeOffset CompletedAt { get; init; }
}
