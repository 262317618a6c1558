using Resolute.Contracts;
using Resolute.Orchestration.Runs;

namespace Resolute.Orchestration.Decisions;

/// <summary>
/// What the saga must do after the rules handled one message: store the attempts that ended as history rows, send these
/// commands, publish these events, move to this status.
/// </summary>
public sealed class FlowRunDecision
{
    /// <summary>Node commands to send, each to its task queue.</summary>
    public List<NodeDispatch> Dispatches { get; } = [];

    /// <summary>Run events to publish.</summary>
    public List<object> Events { get; } = [];

    /// <summary>Attempts that ended while handling the message, to be written to the run's history.</summary>
    public List<NodeExecution> EndedExecutions { get; } = [];

    /// <summary>The run's status afterwards.</summary>
    public RunStatus Status { get; set; }

    /// <summary>True when the message changed nothing (a duplicate or stale reply, a late timer).</summary>
    public bool Ignored { get; set; }

    /// <summary>Why the message was ignored, for logs.</summary>
    public string? IgnoredReason { get; set; }
}

/// <summary>A node command and the queue it goes to.</summary>
/// <param name="TaskQueue">The task queue.</param>
/// <param name="Command">The command.</param>
public sealed record NodeDispatch(string TaskQueue, ExecuteNode Command);
