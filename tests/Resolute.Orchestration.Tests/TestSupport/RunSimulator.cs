using System.Text.Json;
using Resolute.Contracts;
using Resolute.Orchestration.Decisions;
using Resolute.Orchestration.RateLimits;
using Resolute.Orchestration.Runs;
using Resolute.Orchestration.Telemetry;
using Resolute.Serialization;

namespace Resolute.Orchestration.Tests.TestSupport;

/// <summary>
/// Plays the saga around a <see cref="FlowRunDecider"/>: applies every decision to one <see cref="FlowRun"/> (status,
/// dispatched commands, events) and lets a test play the workers by replying to the pending dispatch of a node.
/// No node function ever runs; the test supplies outputs and errors.
/// </summary>
internal sealed class RunSimulator
{
    private readonly List<NodeDispatch> _dispatches = [];
    private readonly List<object> _events = [];
    private readonly List<NodeExecution> _history = [];
    private readonly List<RunSpanRecord> _spans = [];

    public RunSimulator(FlowRegistry registry, OrchestratorOptions? options = null, Func<Guid>? newExecutionId = null, InMemoryRateLimitLedger? ledger = null, ManualTimeProvider? time = null, Guid? runId = null)
    {
        Registry = registry;
        Ledger = ledger ?? new InMemoryRateLimitLedger();
        Time = time ?? new ManualTimeProvider();
        RunId = runId ?? DefaultRunId;
        Options = options ?? new OrchestratorOptions();
        Decider = new FlowRunDecider(registry, Time, Options, newExecutionId);
    }

    /// <summary>The run id a simulated run uses unless given another.</summary>
    public static Guid DefaultRunId { get; } = Guid.Parse("6d1f1a52-7c1e-4c43-9a39-2b0d3f0f4a11");

    /// <summary>This simulated run's id.</summary>
    public Guid RunId { get; }

    /// <summary>The rate limiters' ledger (share one between simulators to run several runs against the same limiters).</summary>
    public InMemoryRateLimitLedger Ledger { get; }

    public FlowRegistry Registry { get; }

    public OrchestratorOptions Options { get; }

    public ManualTimeProvider Time { get; }

    public FlowRunDecider Decider { get; private set; }

    /// <summary>Goes on with another orchestrator's flows (a deployment of new flow versions), same run, clock and options.</summary>
    public void Redeploy(FlowRegistry registry) => Decider = new FlowRunDecider(registry, Time, Options);

    /// <summary>A worker declined the pending attempt of <paramref name="nodeName"/>: it lacks the run's flow version.</summary>
    public FlowRunDecision DeclineVersion(string nodeName, string reason = "versions v9 (current) of it")
    {
        var command = PendingCommand(nodeName);
        return Apply(Decider.NodeVersionUnavailable(Run, new NodeVersionUnavailable
        {
            RunId = command.RunId,
            ExecutionId = command.ExecutionId,
            NodeName = command.NodeName,
            Attempt = command.Attempt,
            FlowVersion = command.FlowVersion,
            Reason = reason,
            WorkerId = "old-worker",
            TaskQueue = "resolute-nodes",
        }));
    }

    /// <summary>The saga row.</summary>
    public FlowRun Run { get; } = new();

    /// <summary>The decision of the last message.</summary>
    public FlowRunDecision? Last { get; private set; }

    public RunStatus Status => Run.Status;

    /// <summary>The state as persisted on the run.</summary>
    public FlowState State => FlowState.FromJson(Run.StateJson);

    /// <summary>The run state as persisted on the run.</summary>
    public RunState Progress => RunStateStore.Load(Run);

    /// <summary>Every attempt so far in creation order: those that ended (the history rows the saga writes) and the open ones.</summary>
    public IReadOnlyList<NodeExecution> History => _history.Concat(Progress.Open).OrderBy(e => e.Sequence).ToList();

    /// <summary>The run's error (the original failure or cancellation).</summary>
    public RunError? Error => Progress.Error;

    /// <summary>Every command dispatched so far, in order.</summary>
    public IReadOnlyList<NodeDispatch> Dispatches => _dispatches;

    /// <summary>Every command dispatched so far, in order.</summary>
    public IEnumerable<ExecuteNode> Commands => _dispatches.Select(d => d.Command);

    /// <summary>Names of the nodes dispatched so far, in order (retries and compensations included).</summary>
    public IReadOnlyList<string> DispatchedNodes => Commands.Select(c => c.NodeName).ToList();

    /// <summary>Names of the compensation nodes dispatched so far, in order.</summary>
    public IReadOnlyList<string> DispatchedCompensations => Commands.Where(c => c.IsCompensation).Select(c => c.NodeName).ToList();

    /// <summary>Names of the nodes the last message dispatched.</summary>
    public IReadOnlyList<string> JustDispatched => Last?.Dispatches.Select(d => d.Command.NodeName).ToList() ?? [];

    /// <summary>Names of the nodes awaiting a reply, in dispatch order.</summary>
    public IReadOnlyList<string> PendingNodes => Progress.Open.Where(e => e.Outcome == NodeExecutionOutcome.Pending).Select(e => e.NodeName).ToList();

    /// <summary>Every span the run handed over so far (when it was started with a trace).</summary>
    public IReadOnlyList<RunSpanRecord> Spans => _spans;

    /// <summary>Set before <see cref="Start"/> to start the run traced.</summary>
    public RunTrace? Trace { get; set; }

    /// <summary>Every event published so far.</summary>
    public IReadOnlyList<object> Events => _events;

    /// <summary>A simulator over a registry holding only <paramref name="flow"/>.</summary>
    public static RunSimulator For(Flow flow, string? taskQueue = null, OrchestratorOptions? options = null)
    {
        var registry = new FlowRegistry();
        registry.Add(flow, taskQueue);
        return new RunSimulator(registry, options);
    }

    /// <summary>How many commands were dispatched for <paramref name="nodeName"/>.</summary>
    public int DispatchCount(string nodeName) => Commands.Count(c => c.NodeName == nodeName);

    /// <summary>Every attempt of <paramref name="nodeName"/>, in order.</summary>
    public IReadOnlyList<NodeExecution> Executions(string nodeName) => History.Where(e => e.NodeName == nodeName).ToList();

    /// <summary>Starts the run of the only registered flow with <paramref name="input"/> serialised as JSON.</summary>
    public FlowRunDecision Start(object? input = null) =>
        StartJson(input is null ? null : JsonSerializer.Serialize(input, input.GetType(), ResoluteJson.Options));

    /// <summary>Starts a run with raw JSON input, of <paramref name="flowName"/> (default: the only registered flow).</summary>
    public FlowRunDecision StartJson(string? inputJson, string? flowName = null, string? idempotencyKey = null) => Apply(Decider.Start(Run, new StartFlow
    {
        RunId = RunId,
        FlowName = flowName ?? Registry.Flows.Single().Flow.Name,
        InputJson = inputJson,
        IdempotencyKey = idempotencyKey,
        RequestedAt = Time.GetUtcNow(),
    }, Trace));

    /// <summary>The command of the attempt of <paramref name="nodeName"/> that awaits a reply.</summary>
    public ExecuteNode PendingCommand(string nodeName)
    {
        var pending = Progress.Open
            .Where(e => e.NodeName == nodeName && e.Outcome == NodeExecutionOutcome.Pending)
            .Select(e => e.ExecutionId)
            .ToHashSet();
        var command = Commands.LastOrDefault(c => pending.Contains(c.ExecutionId));
        Assert.True(command is not null,
            $"No pending dispatch of node '{nodeName}'. Pending: [{string.Join(", ", PendingNodes)}]; status {Status}; dispatched so far: [{string.Join(", ", DispatchedNodes)}].");
        return command;
    }

    /// <summary>The worker replies: the pending attempt of <paramref name="nodeName"/> returned <paramref name="output"/>.</summary>
    public FlowRunDecision Complete(string nodeName, object? output = null) => Deliver(Completed(PendingCommand(nodeName), output));

    /// <summary>The worker replies: the pending attempt of <paramref name="nodeName"/> threw.</summary>
    public FlowRunDecision Fail(string nodeName, string exceptionType = "System.InvalidOperationException", bool retryable = true, string? message = null) =>
        Deliver(Failed(PendingCommand(nodeName), exceptionType, retryable, message));

    /// <summary>A completion reply for <paramref name="command"/> (not delivered).</summary>
    public NodeCompleted Completed(ExecuteNode command, object? output = null) => new()
    {
        RunId = command.RunId,
        ExecutionId = command.ExecutionId,
        NodeName = command.NodeName,
        Attempt = command.Attempt,
        OutputJson = JsonSerializer.Serialize(output, output?.GetType() ?? typeof(object), ResoluteJson.Options),
        StartedAt = Time.GetUtcNow(),
        CompletedAt = Time.GetUtcNow(),
        WorkerId = "test-worker",
    };

    /// <summary>A failure reply for <paramref name="command"/> (not delivered).</summary>
    public NodeFailed Failed(ExecuteNode command, string exceptionType = "System.InvalidOperationException", bool retryable = true, string? message = null) => new()
    {
        RunId = command.RunId,
        ExecutionId = command.ExecutionId,
        NodeName = command.NodeName,
        Attempt = command.Attempt,
        Retryable = retryable,
        Error = new ErrorInfo { Type = exceptionType, Message = message ?? $"{command.NodeName} attempt {command.Attempt} failed" },
        StartedAt = Time.GetUtcNow(),
        FailedAt = Time.GetUtcNow(),
        WorkerId = "test-worker",
    };

    public FlowRunDecision Deliver(NodeCompleted reply) => Apply(Decider.NodeCompleted(Run, reply));

    public FlowRunDecision Deliver(NodeFailed reply) => Apply(Decider.NodeFailed(Run, reply));

    /// <summary>The run's timer fires now.</summary>
    public FlowRunDecision Wake() => Apply(Decider.Wake(Run));

    /// <summary>Moves the clock to the run's <see cref="FlowRun.NextWakeAt"/> and wakes it.</summary>
    public FlowRunDecision WakeWhenDue()
    {
        Assert.True(Run.NextWakeAt is not null, $"The run has no wake-up time; status {Status}.");
        Time.SetUtcNow(Run.NextWakeAt.Value);
        return Wake();
    }

    /// <summary>A worker took the pending attempt of <paramref name="nodeName"/> after its start window and sent it back.</summary>
    public FlowRunDecision MissStart(string nodeName) => Deliver(StartMissed(PendingCommand(nodeName)));

    /// <summary>A missed-start reply for <paramref name="command"/> (not delivered).</summary>
    public NodeStartMissed StartMissed(ExecuteNode command) => new()
    {
        RunId = command.RunId,
        ExecutionId = command.ExecutionId,
        NodeName = command.NodeName,
        Attempt = command.Attempt,
        RateLimitSlot = command.RateLimitSlot ?? throw new InvalidOperationException($"The command of node '{command.NodeName}' carries no rate-limit slot."),
        ReceivedAt = Time.GetUtcNow(),
        WorkerId = "test-worker",
    };

    public FlowRunDecision Deliver(NodeStartMissed reply) => Apply(Decider.NodeStartMissed(Run, reply));

    /// <summary>A worker says it started the pending attempt of <paramref name="nodeName"/> now (late).</summary>
    public FlowRunDecision StartLate(string nodeName) => Deliver(Started(PendingCommand(nodeName)));

    /// <summary>A started signal for <paramref name="command"/> at the simulator's now (not delivered).</summary>
    public NodeStarted Started(ExecuteNode command) => new()
    {
        RunId = command.RunId,
        ExecutionId = command.ExecutionId,
        NodeName = command.NodeName,
        Attempt = command.Attempt,
        StartedAt = Time.GetUtcNow(),
        WorkerId = "test-worker",
    };

    public FlowRunDecision Deliver(NodeStarted signal) => Apply(Decider.NodeStarted(Run, signal));

    public FlowRunDecision Cancel(string? reason = "test", Guid? requestId = null) =>
        Apply(Decider.Cancel(Run, new CancelFlowRun { RunId = RunId, Reason = reason, RequestedAt = Time.GetUtcNow(), RequestId = requestId }));

    /// <summary>A start request for this run's id arrives again (the run exists): <paramref name="start"/> as sent.</summary>
    public FlowRunDecision StartAgain(StartFlow start) => Apply(Decider.StartAgain(Run, start));

    /// <summary>Fails the pending attempt of <paramref name="nodeName"/> (retryable), waits out each back-off, until no retry is scheduled.</summary>
    public int FailEveryAttempt(string nodeName, int safetyLimit = 100)
    {
        var attempts = 0;
        while (attempts < safetyLimit)
        {
            attempts++;
            Fail(nodeName);
            if (!Progress.Open.Any(e => e.NodeName == nodeName && e.Outcome == NodeExecutionOutcome.RetryScheduled))
            {
                return attempts;
            }

            WakeWhenDue();
        }

        Assert.Fail($"Node '{nodeName}' was still being retried after {safetyLimit} attempts.");
        return attempts;
    }

    /// <summary>The input a command carries, read as <typeparamref name="T"/>.</summary>
    public static T? InputOf<T>(ExecuteNode command) =>
        command.InputJson is null ? default : JsonSerializer.Deserialize<T>(command.InputJson, ResoluteJson.Options);

    /// <summary>The single event of type <typeparamref name="T"/> published so far.</summary>
    public T SingleEvent<T>() => Assert.Single(_events.OfType<T>());

    private FlowRunDecision Apply(FlowRunDecision decision)
    {
        // As the saga does: reserve the slots asked for, then let the rules send or schedule the attempts.
        if (decision.RateLimitRequests.Count > 0)
        {
            var slots = Ledger.Reserve(decision.RateLimitRequests);
            decision = decision.Then(Decider.RateLimitSlotsReserved(Run, decision.Status, slots));
        }

        Last = decision;
        _dispatches.AddRange(decision.Dispatches);
        _events.AddRange(decision.Events);
        _history.AddRange(decision.EndedExecutions);
        _spans.AddRange(decision.Spans);
        Run.CurrentState = decision.Status.ToString();
        return decision;
    }
}
