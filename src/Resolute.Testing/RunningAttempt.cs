using Resolute.Contracts;

namespace Resolute.Testing;

/// <summary>
/// One node attempt the tester's worker is running: its command, its start on the virtual clock and the token the node
/// gets, which fires at the node's timeout (on the virtual clock) or when the run is cancelled.
/// </summary>
internal sealed class RunningAttempt : IDisposable
{
    private readonly CancellationTokenSource _token = new();
    private int _entered;

    public RunningAttempt(string taskQueue, ExecuteNode command, Node node, DateTimeOffset startedAt)
    {
        TaskQueue = taskQueue;
        Command = command;
        Node = node;
        StartedAt = startedAt;
        TimeoutAt = startedAt + command.Timeout;
    }

    /// <summary>The queue the command was sent to (echoed in the reply).</summary>
    public string TaskQueue { get; }

    public ExecuteNode Command { get; }

    public Node Node { get; }

    /// <summary>When the worker started the node (virtual time).</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>When the node's token fires unless it ended first (virtual time), as a worker's <c>CancelAfter(Timeout)</c>.</summary>
    public DateTimeOffset TimeoutAt { get; }

    public CancellationToken Token => _token.Token;

    /// <summary>The task running the attempt to its reply; null until it was started.</summary>
    public Task? Completion { get; set; }

    /// <summary>True once the token fired (timeout or cancellation): the attempt is about to reply.</summary>
    public bool TokenFired => _token.IsCancellationRequested;

    /// <summary>True when the token fired because the run was cancelled, not at the timeout.</summary>
    public bool CancelledByRun { get; private set; }

    /// <summary>True once the attempt's task began on a thread-pool thread (before that, silence is not a sign of waiting).</summary>
    public bool Entered => Volatile.Read(ref _entered) == 1;

    public void MarkEntered() => Volatile.Write(ref _entered, 1);

    /// <summary>The node's timeout passed on the virtual clock.</summary>
    public void TimeOut() => Fire();

    /// <summary>The run was cancelled (<see cref="CancelNodeExecutions"/>).</summary>
    public void CancelByRun()
    {
        if (!TokenFired)
        {
            CancelledByRun = true;
            Fire();
        }
    }

    public void Dispose() => _token.Dispose();

    // Callbacks run on the thread pool: a node's own continuation never runs on (or blocks) the tester's thread.
    private void Fire() => _ = _token.CancelAsync();
}
