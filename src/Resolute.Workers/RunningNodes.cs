using System.Collections.Concurrent;

namespace Resolute.Workers;

/// <summary>The node executions running in this worker process, so a run's cancellation can fire their tokens.</summary>
public sealed class RunningNodes
{
    private readonly ConcurrentDictionary<Guid, RunningNode> _running = new();

    /// <summary>Registers an execution; dispose the result when it ends.</summary>
    public RunningNode Register(Guid executionId, CancellationTokenSource tokenSource)
    {
        var node = new RunningNode(this, executionId, tokenSource);
        _running[executionId] = node;
        return node;
    }

    /// <summary>Cancels the executions among <paramref name="executionIds"/> that run here; returns how many.</summary>
    public int Cancel(IEnumerable<Guid> executionIds)
    {
        ArgumentNullException.ThrowIfNull(executionIds);
        var count = 0;
        foreach (var id in executionIds)
        {
            if (_running.TryGetValue(id, out var node))
            {
                node.CancelByRun();
                count++;
            }
        }

        return count;
    }

    private void Remove(Guid executionId) => _running.TryRemove(executionId, out _);

    /// <summary>One running execution.</summary>
    public sealed class RunningNode : IDisposable
    {
        private readonly RunningNodes _owner;
        private readonly CancellationTokenSource _tokenSource;
        private int _cancelledByRun;

        internal RunningNode(RunningNodes owner, Guid executionId, CancellationTokenSource tokenSource)
        {
            _owner = owner;
            ExecutionId = executionId;
            _tokenSource = tokenSource;
        }

        /// <summary>The execution.</summary>
        public Guid ExecutionId { get; }

        /// <summary>True when the run's cancellation (not the timeout) fired the token.</summary>
        public bool CancelledByRun => Volatile.Read(ref _cancelledByRun) == 1;

        /// <inheritdoc />
        public void Dispose() => _owner.Remove(ExecutionId);

        internal void CancelByRun()
        {
            Interlocked.Exchange(ref _cancelledByRun, 1);
            try
            {
                _tokenSource.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The execution ended meanwhile.
            }
        }
    }
}
