using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Resolute.Contracts;
using Resolute.Orchestration.Decisions;
using Resolute.Orchestration.Runs;

namespace Resolute.Testing;

/// <summary>
/// One run of a <see cref="FlowTester"/>: the saga row the engine's rules move, the worker that runs its nodes and the
/// virtual clock its timers wait on. Read its status, state, attempts, compensations and events; step it with
/// <see cref="AdvanceAsync"/>, <see cref="CancelAsync"/> and <see cref="RunToEndAsync"/>. Not thread-safe: drive it from
/// one test at a time.
/// </summary>
public sealed class FlowTestRun : IAsyncDisposable
{
    private readonly Flow _flow;
    private readonly FlowTesterOptions _options;
    private readonly FakeTimeProvider _clock;
    private readonly FlowRunDecider _decider;
    private readonly FlowRegistry _registry = new();
    private readonly VirtualRateLimitLedger _ledger = new();
    private readonly InProcessWorker _worker;
    private readonly ServiceProvider? _ownedServices;
    private readonly FlowRun _run = new();
    private readonly Channel<object> _replies = Channel.CreateUnbounded<object>();
    private readonly Dictionary<Guid, RunningAttempt> _running = [];
    private readonly List<RunningAttempt> _attempts = [];
    private readonly List<NodeExecution> _history = [];
    private readonly List<object> _events = [];
    private bool _disposed;

    internal FlowTestRun(Flow flow, FlowTesterOptions options, NodeSubstitutions substitutions, IServiceProvider? services, ServiceProvider? ownedServices)
    {
        _flow = flow;
        _options = options;
        _ownedServices = ownedServices;
        _clock = new FakeTimeProvider(options.StartTime);
        _registry.Add(flow);
        _decider = new FlowRunDecider(_registry, _clock, options.Orchestrator);
        _worker = new InProcessWorker(substitutions, _clock, services);
        RunId = Guid.NewGuid();
        StartedAt = options.StartTime;
    }

    /// <summary>The run's id.</summary>
    public Guid RunId { get; }

    /// <summary>
    /// The run's virtual clock. Timers set on it (<c>Task.Delay(delay, run.Clock)</c>) fire as the run's time advances.
    /// </summary>
    public TimeProvider Clock => _clock;

    /// <summary>When the run started (virtual time: <see cref="FlowTesterOptions.StartTime"/>).</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The virtual time now.</summary>
    public DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>Virtual time since the start.</summary>
    public TimeSpan Elapsed => Now - StartedAt;

    /// <summary>The run's status.</summary>
    public RunStatus Status => _run.Status;

    /// <summary>True once the run ended (Completed, Failed, CompensationFailed or Cancelled).</summary>
    public bool HasEnded => _run.Status.HasEnded();

    /// <summary>The run's state: its input and every completed node's output under the node's key.</summary>
    public FlowState State => FlowState.FromJson(_run.StateJson);

    /// <summary>The run's error — the first failure, or the cancellation — or null.</summary>
    public RunError? Error => RunStateStore.Load(_run).Error;

    /// <summary>The errors of compensations that failed (the run then ends CompensationFailed).</summary>
    public IReadOnlyList<RunError> CompensationErrors => RunStateStore.Load(_run).CompensationErrors;

    /// <summary>When the run's next timer is due (a retry, a rate-limit slot, a reply deadline), or null.</summary>
    public DateTimeOffset? NextWakeAt => _run.NextWakeAt;

    /// <summary>
    /// Every attempt so far, in the order the engine created them: the run's history (attempts that ended) and its open
    /// attempts (running, waiting for a retry or a rate-limit slot), as a status query shows them. Times are virtual.
    /// </summary>
    public IReadOnlyList<NodeExecutionRecord> Executions =>
        _history.Concat(RunStateStore.Load(_run).Open).OrderBy(e => e.Sequence).Select(e => e.ToRecord()).ToList();

    /// <summary>The step nodes (not compensations) in the order they were first dispatched, each once.</summary>
    public IReadOnlyList<string> NodeOrder => Executions.Where(e => !e.IsCompensation).Select(e => e.NodeName).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The step nodes that completed, in the order the engine recorded their completions (compensation runs in reverse of it).</summary>
    public IReadOnlyList<string> CompletionOrder => RunStateStore.Load(_run).Completions.Select(c => c.NodeName).ToList();

    /// <summary>The compensation nodes in the order they ran, each once.</summary>
    public IReadOnlyList<string> Compensations => Executions.Where(e => e.IsCompensation).Select(e => e.NodeName).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Every event the run rules published, in order (<see cref="FlowRunStarted"/>, <see cref="FlowRunNodeFailed"/>, ..., <see cref="FlowRunCompleted"/>).</summary>
    public IReadOnlyList<object> Events => _events.ToList();

    /// <summary>The node functions running now (their attempts await a reply), in start order.</summary>
    public IReadOnlyList<string> RunningNodes => _running.Values.Select(a => a.Command.NodeName).ToList();

    /// <summary>The attempts of one node, in order.</summary>
    public IReadOnlyList<NodeExecutionRecord> ExecutionsOf(string nodeName) => Executions.Where(e => e.NodeName == nodeName).ToList();

    /// <summary>The events of type <typeparamref name="TEvent"/>, in order.</summary>
    public IReadOnlyList<TEvent> EventsOf<TEvent>() => _events.OfType<TEvent>().ToList();

    /// <summary>
    /// Moves the virtual clock forward by <paramref name="duration"/>, firing on the way — in time order — every node
    /// timeout, retry and rate-limit slot that falls due, and letting the nodes they start run; returns once the run waits
    /// again. Timers due after the new time stay pending.
    /// </summary>
    /// <exception cref="TimeoutException">The nodes did not settle within <see cref="FlowTesterOptions.Timeout"/> of wall-clock time.</exception>
    public async Task AdvanceAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var target = Now + duration;
        await WithinTimeoutAsync($"advancing the clock by {duration}", async token =>
        {
            await SettleAsync(token).ConfigureAwait(false);
            while (NextEvent() is { } next && next <= target)
            {
                await FireAtAsync(next, token).ConfigureAwait(false);
            }

            if (target > Now)
            {
                _clock.SetUtcNow(target);
            }

            await SettleAsync(token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Cancels the run as <c>IFlowClient.CancelAsync</c> does: running nodes' tokens fire, completed nodes are compensated,
    /// and the run ends Cancelled (a run already failing declines and ends with its own error). Returns once the run
    /// waits again; <see cref="RunToEndAsync"/> to let it finish.
    /// </summary>
    public async Task CancelAsync(string? reason = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Apply(_decider.Cancel(_run, new CancelFlowRun { RunId = RunId, Reason = reason, RequestedAt = Now, RequestId = Guid.NewGuid() }));
        await WithinTimeoutAsync("cancelling", SettleAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Lets the run go on until it ends, moving the virtual clock to the next timer whenever only a timer can move it on
    /// (no node running, or the running ones waiting for <see cref="FlowTesterOptions.QuietPeriod"/>).
    /// </summary>
    /// <exception cref="TimeoutException">The run did not end within <see cref="FlowTesterOptions.Timeout"/> of wall-clock time.</exception>
    public async Task RunToEndAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await WithinTimeoutAsync("running to the end", async token =>
        {
            await SettleAsync(token).ConfigureAwait(false);
            while (!HasEnded)
            {
                var next = NextEvent() ?? throw new InvalidOperationException(
                    $"The run of flow '{_flow.Name}' is {Status} but nothing can move it on: no node is running and no timer is set. {Describe()}");
                await FireAtAsync(next, token).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops node functions still running (their tokens fire) and disposes the services the tester built.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var attempt in _running.Values)
        {
            attempt.CancelByRun();
        }

        // Give cancelled nodes a moment to unwind before their services go.
        var pending = _running.Values.Select(a => a.Completion).Where(t => t is not null).Select(t => t!).ToArray();
        if (pending.Length > 0)
        {
            await Task.WhenAny(Task.WhenAll(pending), Task.Delay(_options.QuietPeriod)).ConfigureAwait(false);
        }

        if (_ownedServices is not null)
        {
            await _ownedServices.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var attempt in _attempts)
        {
            attempt.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => Describe();

    internal async Task StartAsync(string? inputJson, CancellationToken cancellationToken)
    {
        Apply(_decider.Start(_run, new StartFlow
        {
            RunId = RunId,
            FlowName = _flow.Name,
            InputJson = inputJson,
            RequestedAt = Now,
            RequestedBy = "flow-tester",
        }));
        await WithinTimeoutAsync("starting", SettleAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Carries out a decision as the saga does: reserve the rate-limit slots it asks for and hand them back to the rules,
    /// record the attempts that ended, publish the events, move to the new status — then send the node commands, all of
    /// them before any is awaited, so the nodes of a parallel step run at the same time.
    /// </summary>
    private void Apply(FlowRunDecision decision)
    {
        if (decision.RateLimitRequests.Count > 0)
        {
            var slots = _ledger.Reserve(decision.RateLimitRequests);
            decision = decision.Then(_decider.RateLimitSlotsReserved(_run, decision.Status, slots));
        }

        _history.AddRange(decision.EndedExecutions);
        _events.AddRange(decision.Events);
        _run.CurrentState = decision.Status.ToString();

        foreach (var cancel in decision.Events.OfType<CancelNodeExecutions>())
        {
            foreach (var executionId in cancel.ExecutionIds)
            {
                if (_running.TryGetValue(executionId, out var attempt))
                {
                    attempt.CancelByRun();
                }
            }
        }

        foreach (var dispatch in decision.Dispatches)
        {
            var attempt = new RunningAttempt(dispatch.TaskQueue, dispatch.Command, _flow.GetNode(dispatch.Command.NodeName), Now);
            _running.Add(attempt.Command.ExecutionId, attempt);
            _attempts.Add(attempt);
            attempt.Completion = Task.Run(async () => _replies.Writer.TryWrite(await _worker.RunAsync(attempt).ConfigureAwait(false)));
        }
    }

    /// <summary>Hands a worker's reply to the rules.</summary>
    private void Handle(object reply)
    {
        switch (reply)
        {
            case NodeCompleted completed:
                _running.Remove(completed.ExecutionId);
                Apply(_decider.NodeCompleted(_run, completed));
                break;
            case NodeFailed failed:
                _running.Remove(failed.ExecutionId);
                Apply(_decider.NodeFailed(_run, failed));
                break;
            default:
                throw new InvalidOperationException($"The tester's worker sent an unexpected reply {reply.GetType().Name}.");
        }
    }

    /// <summary>
    /// Handles replies, without moving the clock, until no node runs — or until the running ones (all of them started)
    /// have gone <see cref="FlowTesterOptions.QuietPeriod"/> without a reply: they wait for their token or for time.
    /// </summary>
    private async Task SettleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            while (_replies.Reader.TryRead(out var reply))
            {
                Handle(reply);
            }

            if (_running.Count == 0)
            {
                return;
            }

            // A node that has not begun yet, or whose token fired (it replies at once), is not waiting.
            var waiting = _running.Values.All(a => a.Entered && !a.TokenFired);
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            quiet.CancelAfter(_options.QuietPeriod);
            try
            {
                await _replies.Reader.WaitToReadAsync(quiet.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (waiting)
                {
                    return;
                }
            }
        }
    }

    /// <summary>The next virtual time something is due: the run's timer, or a running node's timeout.</summary>
    private DateTimeOffset? NextEvent()
    {
        DateTimeOffset? next = HasEnded ? null : _run.NextWakeAt;
        foreach (var attempt in _running.Values)
        {
            if (!attempt.TokenFired && (next is null || attempt.TimeoutAt < next))
            {
                next = attempt.TimeoutAt;
            }
        }

        return next;
    }

    /// <summary>
    /// Moves the clock to <paramref name="at"/> and fires what is due there: first the nodes' timeouts (their workers
    /// reply, as on a worker whose token fired), then the run's timer (as the orchestrator's timer loop sends <c>WakeFlowRun</c>).
    /// </summary>
    private async Task FireAtAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (at > Now)
        {
            _clock.SetUtcNow(at);
        }

        foreach (var attempt in _running.Values.Where(a => !a.TokenFired && a.TimeoutAt <= Now).ToList())
        {
            attempt.TimeOut();
        }

        await SettleAsync(cancellationToken).ConfigureAwait(false);
        if (!HasEnded && _run.NextWakeAt is { } wake && wake <= Now)
        {
            var decision = _decider.Wake(_run);
            if (decision.Ignored && _run.NextWakeAt is { } still && still <= Now)
            {
                throw new InvalidOperationException($"The run's timer at {still:O} is due but the run rules found nothing to do ({decision.IgnoredReason}). {Describe()}");
            }

            Apply(decision);
            await SettleAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WithinTimeoutAsync(string what, Func<CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_options.Timeout);
        try
        {
            await action(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The test run gave up {what} after {_options.Timeout} of wall-clock time (FlowTesterOptions.Timeout). {Describe()}", e);
        }
    }

    private string Describe()
    {
        var running = _running.Values.Select(a => $"'{a.Command.NodeName}' attempt {a.Command.Attempt} (times out at {a.TimeoutAt:O})").ToList();
        return $"Run {RunId} of flow '{_flow.Name}': {Status} at virtual time {Now:O} ({Elapsed} after the start); " +
               $"running: {(running.Count == 0 ? "none" : string.Join(", ", running))}; next timer: {(NextWakeAt is { } wake ? wake.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : "none")}; " +
               $"attempts: {string.Join(", ", Executions.Select(e => $"{e.NodeName}#{e.Attempt} {e.Outcome}"))}.";
    }
}
