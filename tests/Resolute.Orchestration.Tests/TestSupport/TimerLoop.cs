using System.Collections.Concurrent;
using System.Reflection;
using System.Threading.Channels;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Resolute.Contracts;
using Resolute.Orchestration.Timers;

namespace Resolute.Orchestration.Tests.TestSupport;

/// <summary>
/// A <see cref="RunTimerPoller"/> on a <see cref="FakeTimeProvider"/>, reading a <see cref="FakeTimerTable"/> and sending
/// its wakes to a recorder: time moves only when the test advances it, so every look happens at an exact instant.
/// </summary>
internal sealed class TimerLoop : IAsyncDisposable
{
    public static readonly DateTimeOffset Epoch = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly RunTimerPoller _poller;
    private readonly SendRecorder _sent;
    private readonly LoopActivity _activity;

    private TimerLoop(FakeTimeProvider time, FakeTimerTable table, RunWakeSchedule schedule, RunTimerPoller poller, SendRecorder sent, LoopActivity activity)
    {
        Time = time;
        Table = table;
        Schedule = schedule;
        _poller = poller;
        _sent = sent;
        _activity = activity;
    }

    public FakeTimeProvider Time { get; }

    public FakeTimerTable Table { get; }

    public RunWakeSchedule Schedule { get; }

    /// <summary>Every wake sent so far, in order.</summary>
    public IReadOnlyList<WakeFlowRun> Wakes => _sent.Messages.OfType<WakeFlowRun>().ToList();

    /// <summary>Starts the loop at <see cref="Epoch"/> with <paramref name="safetyPoll"/> as its poll interval.</summary>
    public static async Task<TimerLoop> StartAsync(TimeSpan safetyPoll, Action<FakeTimerTable>? before = null)
    {
        var time = new FakeTimeProvider(Epoch);
        var activity = new LoopActivity();
        var table = new FakeTimerTable(activity.Looked);
        before?.Invoke(table);
        var observed = new ObservedTime(time, activity.Parked);
        var schedule = new RunWakeSchedule(observed);
        var (bus, sent) = SendRecorder.CreateBus();
        var poller = new RunTimerPoller(
            new OneServiceScopes(table),
            bus,
            new OrchestratorOptions { TimerPollInterval = safetyPoll },
            schedule,
            observed,
            NullLogger<RunTimerPoller>.Instance);
        await poller.StartAsync(CancellationToken.None);
        return new TimerLoop(time, table, schedule, poller, sent, activity);
    }

    /// <summary>The clock time of the loop's next look for due runs (waits for it, up to 10 s of real time).</summary>
    public Task<DateTimeOffset> NextLookAsync() => Table.NextLookAsync();

    /// <summary>
    /// Once the loop waits on the clock again after its last look, moves the clock forward to <paramref name="instant"/>,
    /// firing every timer due on the way. (Moving it while the loop is still busy with a look would start its next wait
    /// from the later time.)
    /// </summary>
    public async Task AdvanceToAsync(DateTimeOffset instant)
    {
        await _activity.ParkedAsync();
        Time.Advance(instant - Time.GetUtcNow());
    }

    public async ValueTask DisposeAsync()
    {
        await _poller.StopAsync(CancellationToken.None);
        _poller.Dispose();
    }
}

/// <summary>Tells whether the loop is parked on a clock timer, or busy since its last look.</summary>
internal sealed class LoopActivity
{
    private readonly Lock _gate = new();
    private bool _parked;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Looked() => Set(parked: false);

    public void Parked() => Set(parked: true);

    /// <summary>Completes once the loop created a clock timer after its last look (up to 10 s of real time).</summary>
    public async Task ParkedAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_parked)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(deadline.Token);
        }
    }

    private void Set(bool parked)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _parked = parked;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}

/// <summary>The fake clock, reporting each timer the loop creates (which it does only to wait).</summary>
internal sealed class ObservedTime(FakeTimeProvider inner, Action timerCreated) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = inner.CreateTimer(callback, state, dueTime, period);
        timerCreated();
        return timer;
    }
}

/// <summary>The <c>next_wake_at</c> column of the run table, in memory; records the clock time of every query.</summary>
internal sealed class FakeTimerTable(Action looked) : IDueRunSource
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, DateTimeOffset> _timers = [];
    private readonly List<DateTimeOffset> _looks = [];
    private readonly Channel<DateTimeOffset> _lookFeed = Channel.CreateUnbounded<DateTimeOffset>();

    /// <summary>Clock times of every query so far, in order.</summary>
    public IReadOnlyList<DateTimeOffset> Looks
    {
        get
        {
            lock (_gate)
            {
                return _looks.ToList();
            }
        }
    }

    /// <summary>How many of the next queries throw, as an unreachable database would.</summary>
    public int FailNext { get; set; }

    /// <summary>Sets the run's <c>NextWakeAt</c> (what a saga commit does).</summary>
    public void Set(Guid runId, DateTimeOffset dueAt)
    {
        lock (_gate)
        {
            _timers[runId] = dueAt;
        }
    }

    public async Task<DueRuns> GetDueRunsAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken)
    {
        // Never carry on inside FakeTimeProvider.Advance: the loop continues on the thread pool, as with a database.
        await Task.Yield();
        DueRuns found;
        lock (_gate)
        {
            var due = _timers.Where(t => t.Value <= now).OrderBy(t => t.Value).Take(maxCount).Select(t => (t.Key, t.Value)).ToList();
            var next = _timers.Values.Where(t => t > now).Select(t => (DateTimeOffset?)t).Min();
            found = new DueRuns(due, next);
            _looks.Add(now);
        }

        looked();

        _lookFeed.Writer.TryWrite(now);
        if (FailNext > 0)
        {
            FailNext--;
            throw new InvalidOperationException("the database is unreachable");
        }

        return found;
    }

    public async Task<DateTimeOffset> NextLookAsync() => await _lookFeed.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
}

/// <summary>A scope factory whose every scope resolves one service.</summary>
internal sealed class OneServiceScopes(object service) : IServiceScopeFactory, IServiceScope, IServiceProvider
{
    public IServiceProvider ServiceProvider => this;

    public IServiceScope CreateScope() => this;

    public object? GetService(Type serviceType) => serviceType.IsInstanceOfType(service) ? service : null;

    public void Dispose()
    {
    }
}

/// <summary>
/// Stands in for the bus and its send endpoints, recording every message sent; any other call fails the test.
/// Not sealed: <see cref="DispatchProxy"/> derives the proxy type from it.
/// </summary>
#pragma warning disable CA1852
internal class SendRecorder : DispatchProxy
#pragma warning restore CA1852
{
    private ConcurrentQueue<object> _messages = new();

    public IReadOnlyCollection<object> Messages => _messages;

    public static (IBus Bus, SendRecorder Recorder) CreateBus()
    {
        var bus = DispatchProxy.Create<IBus, SendRecorder>();
        return (bus, (SendRecorder)(object)bus);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(ISendEndpointProvider.GetSendEndpoint))
        {
            var endpoint = DispatchProxy.Create<ISendEndpoint, SendRecorder>();
            ((SendRecorder)(object)endpoint)._messages = _messages;
            return Task.FromResult(endpoint);
        }

        if (targetMethod.Name == nameof(ISendEndpoint.Send) && args is [{ } message, ..])
        {
            _messages.Enqueue(message);
            return Task.CompletedTask;
        }

        throw new NotSupportedException($"The timer loop is not expected to call {targetMethod.DeclaringType?.Name}.{targetMethod.Name}.");
    }
}
