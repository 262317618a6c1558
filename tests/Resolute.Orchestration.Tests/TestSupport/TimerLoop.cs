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

    private TimerLoop(FakeTimeProvider time, FakeTimerTable table, RunWakeSchedule schedule, RunTimerPoller poller, SendRecorder sent)
    {
        Time = time;
        Table = table;
        Schedule = schedule;
        _poller = poller;
        _sent = sent;
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
        var table = new FakeTimerTable();
        before?.Invoke(table);
        var schedule = new RunWakeSchedule(time);
        var (bus, sent) = SendRecorder.CreateBus();
        var poller = new RunTimerPoller(
            new OneServiceScopes(table),
            bus,
            new OrchestratorOptions { TimerPollInterval = safetyPoll },
            schedule,
            time,
            NullLogger<RunTimerPoller>.Instance);
        await poller.StartAsync(CancellationToken.None);
        return new TimerLoop(time, table, schedule, poller, sent);
    }

    /// <summary>The clock time of the loop's next look for due runs (waits for it, up to 10 s of real time).</summary>
    public Task<DateTimeOffset> NextLookAsync() => Table.NextLookAsync();

    /// <summary>Moves the clock forward to <paramref name="instant"/>, firing every timer due on the way.</summary>
    public void AdvanceTo(DateTimeOffset instant) => Time.Advance(instant - Time.GetUtcNow());

    public async ValueTask DisposeAsync()
    {
        await _poller.StopAsync(CancellationToken.None);
        _poller.Dispose();
    }
}

/// <summary>The <c>next_wake_at</c> column of the run table, in memory; records the clock time of every query.</summary>
internal sealed class FakeTimerTable : IDueRunSource
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
