using System.Collections.Concurrent;
using System.Diagnostics;

namespace Resolute.Benchmarks;

/// <summary>How a run ended, and when the benchmark saw it end (a <see cref="Stopwatch"/> timestamp).</summary>
public readonly record struct RunEnd(bool Completed, long ObservedAt);

/// <summary>A run the benchmark started: its id, when it was started, and a task that ends when the run ends.</summary>
public sealed record StartedRun(Guid Id, long StartedAt, Task<RunEnd> Ended)
{
    public bool Completed => Ended.IsCompletedSuccessfully && Ended.Result.Completed;

    /// <summary>Start to observed end, as the caller experiences it.</summary>
    public double LatencyMs => Ended.IsCompletedSuccessfully
        ? Stopwatch.GetElapsedTime(StartedAt, Ended.Result.ObservedAt).TotalMilliseconds
        : double.NaN;
}

/// <summary>Something that runs the measured flow shape: Resolute in one of its modes, or a peer.</summary>
public interface IRunTarget
{
    string Name { get; }

    Task<StartedRun> StartAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The runs the benchmark waits for. A run is registered before it is started, so an end event can never arrive
/// before its waiter; ends come from events (run events, routing slip events, lifecycle events), never from polling.
/// </summary>
public sealed class RunCompletions
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<RunEnd>> _pending = new();
    private int _started;
    private int _failed;

    /// <summary>How many runs the engine reported started (FlowRunStarted), whether or not we wait for them.</summary>
    public int Started => Volatile.Read(ref _started);

    /// <summary>How many expected runs ended in a failure.</summary>
    public int Failed => Volatile.Read(ref _failed);

    public Task<RunEnd> Expect(Guid runId)
    {
        var ended = new TaskCompletionSource<RunEnd>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(runId, ended))
        {
            throw new InvalidOperationException($"Run {runId} is already expected.");
        }

        return ended.Task;
    }

    /// <summary>Starts a run by id: registers the waiter, then calls <paramref name="start"/>.</summary>
    public async Task<StartedRun> StartAsync(Guid runId, Func<Task> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        var ended = Expect(runId);
        var startedAt = Stopwatch.GetTimestamp();
        try
        {
            await start();
        }
        catch
        {
            _pending.TryRemove(runId, out _);
            throw;
        }

        return new StartedRun(runId, startedAt, ended);
    }

    public void OnStarted() => Interlocked.Increment(ref _started);

    /// <summary>Records an end; a duplicate (at-least-once delivery) or an end of a run nobody waits for changes nothing.</summary>
    public void OnEnded(Guid runId, bool completed)
    {
        var observedAt = Stopwatch.GetTimestamp();
        if (_pending.TryRemove(runId, out var ended))
        {
            if (!completed)
            {
                Interlocked.Increment(ref _failed);
            }

            ended.TrySetResult(new RunEnd(completed, observedAt));
        }
    }
}
