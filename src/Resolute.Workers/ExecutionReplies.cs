using Resolute.Contracts;

namespace Resolute.Workers;

/// <summary>
/// The replies this worker process sent for the executions it ran, by <see cref="ExecuteNode.ExecutionId"/>, so that a
/// command delivered again (the broker redelivers after a lost acknowledgement, the outbox sends a row twice) is
/// answered with the reply already given instead of running the node a second time. A copy arriving while the first is
/// still running waits for that run's reply. Bounded by count and by bytes of output, oldest forgotten first; it lives
/// in the process, so a copy taken by another worker, or after a restart, runs the node again (at-least-once, same
/// idempotency key).
/// </summary>
public sealed class ExecutionReplies
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Entry> _entries = [];
    private readonly Queue<Guid> _order = new();
    private readonly int _capacity;
    private readonly long _maxBytes;
    private long _bytes;

    /// <summary>Creates the memory with the bounds of <paramref name="options"/>.</summary>
    public ExecutionReplies(WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _capacity = options.RememberedExecutions;
        _maxBytes = options.RememberedReplyBytes;
    }

    /// <summary>How many replies are remembered (running executions not included).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _order.Count;
            }
        }
    }

    /// <summary>
    /// Claims <paramref name="executionId"/> for a run of its node. False when this process already ran it or is running
    /// it: <paramref name="earlier"/> then completes with the reply that run sent (null when it ended without one — the
    /// worker stopped under it, or its command was rejected — and the caller runs the node itself).
    /// </summary>
    public bool TryBegin(Guid executionId, out Task<object?> earlier)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(executionId, out var entry))
            {
                earlier = entry.Reply.Task;
                return false;
            }

            if (_capacity > 0)
            {
                _entries.Add(executionId, new Entry());
            }

            earlier = Task.FromResult<object?>(null);
            return true;
        }
    }

    /// <summary>Records the reply a run of <paramref name="executionId"/> sent (<see cref="NodeCompleted"/> or <see cref="NodeFailed"/>).</summary>
    public void Remember(Guid executionId, object reply, int size)
    {
        ArgumentNullException.ThrowIfNull(reply);
        Entry? entry;
        lock (_gate)
        {
            if (!_entries.TryGetValue(executionId, out entry))
            {
                return;
            }

            if (size > _maxBytes)
            {
                // Too large to keep: a copy runs the node again.
                _entries.Remove(executionId);
            }
            else
            {
                entry.Size = size;
                _bytes += size;
                _order.Enqueue(executionId);
                while (_order.Count > _capacity || _bytes > _maxBytes)
                {
                    var oldest = _order.Dequeue();
                    if (_entries.Remove(oldest, out var forgotten))
                    {
                        _bytes -= forgotten.Size;
                    }
                }
            }
        }

        entry.Reply.TrySetResult(reply);
    }

    /// <summary>A run of <paramref name="executionId"/> ended with no reply to remember: the next copy runs the node.</summary>
    public void Forget(Guid executionId)
    {
        Entry? entry;
        lock (_gate)
        {
            if (!_entries.TryGetValue(executionId, out entry) || entry.Reply.Task.IsCompleted)
            {
                return;
            }

            _entries.Remove(executionId);
        }

        entry.Reply.TrySetResult(null);
    }

    private sealed class Entry
    {
        public TaskCompletionSource<object?> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Size { get; set; }
    }
}
