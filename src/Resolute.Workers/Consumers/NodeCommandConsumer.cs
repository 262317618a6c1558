using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Resolute.Contracts;
using Resolute.Diagnostics;
using Resolute.Workers.Execution;

namespace Resolute.Workers.Consumers;

/// <summary>
/// Runs one node attempt: finds the node by flow, version (the current one or a previous one kept registered) and name,
/// reads the input, runs the node function with a
/// <see cref="NodeContext"/> whose token fires at the node's timeout and whose services are a DI scope opened for the
/// attempt (disposed when the attempt ends, before the reply), and publishes <see cref="NodeCompleted"/> or
/// <see cref="NodeFailed"/>. A command for a flow version this worker does not have is declined
/// (<see cref="NodeVersionUnavailable"/>: the attempt waits for a worker that has it); one it cannot serve otherwise
/// (unknown node, bad input) fails the node with a clear, non-retryable error instead of guessing.
/// </summary>
public sealed partial class NodeCommandConsumer : IConsumer<ExecuteNode>
{
    private readonly FlowRegistry _registry;
    private readonly WorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<NodeCommandConsumer> _logger;
    private readonly RunningNodes _running;
    private readonly NodeAttemptRunner _runner;
    private readonly NodeMetrics? _metrics;
    private readonly ExecutionReplies _replies;

    /// <summary>Creates the consumer.</summary>
    /// <param name="registry">The flows this worker runs.</param>
    /// <param name="options">The worker's settings.</param>
    /// <param name="time">The clock.</param>
    /// <param name="loggerFactory">Loggers for the consumer and the nodes.</param>
    /// <param name="running">The attempts in progress, for cancellation.</param>
    /// <param name="scopes">The root container's scope factory: each attempt runs in a scope of its own.</param>
    /// <param name="replies">The replies this process already sent, so a command delivered again is answered, not run again.</param>
    /// <param name="metrics">Attempt counts, durations and queue waits; null to record none.</param>
    public NodeCommandConsumer(FlowRegistry registry, WorkerOptions options, TimeProvider time, ILoggerFactory loggerFactory, RunningNodes running, IServiceScopeFactory scopes, ExecutionReplies replies, NodeMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(replies);
        _replies = replies;
        _metrics = metrics;
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(scopes);
        _running = running;
        _registry = registry;
        _options = options;
        _time = time;
        _logger = loggerFactory.CreateLogger<NodeCommandConsumer>();
        _runner = new NodeAttemptRunner(scopes, loggerFactory, _logger, time, options.MaxPayloadBytes);
    }

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<ExecuteNode> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = context.Message;
        // The queue is the address's last segment (a RabbitMQ address has the virtual host before it).
        var queue = context.ReceiveContext.InputAddress?.AbsolutePath.TrimEnd('/').Split('/')[^1] ?? string.Empty;
        var received = _time.GetUtcNow();
        if (command.DispatchedAt != default)
        {
            _metrics?.Dequeued(queue, received - command.DispatchedAt);
        }

        using var scope = AttemptScope(_logger, command.RunId, command.FlowName, command.NodeName, command.Attempt);
        using var activity = StartSpan(command, queue);
        var attempt = new Attempt(context, queue, activity, received);
        var claimed = false;
        try
        {
            if (await ReplayAsync(attempt).ConfigureAwait(false))
            {
                return;
            }

            claimed = true;
            await RunAsync(attempt).ConfigureAwait(false);
        }
        finally
        {
            // An attempt this consume ran that ended without a reply (the worker stopped under it, its start window had
            // passed) is run again by the next copy of its command. A copy that only waited leaves the running one alone.
            if (claimed)
            {
                _replies.Forget(command.ExecutionId);
            }

            var outcome = attempt.Outcome ?? "Interrupted";
            activity?.SetTag(ResoluteAttributes.Outcome, outcome);
            _metrics?.AttemptEnded(command.FlowName, command.NodeName, outcome, _time.GetUtcNow() - attempt.StartedAt);
        }
    }

    /// <summary>
    /// A copy of a command this process already ran (or is running) is answered with the reply that run sent, and the
    /// node does not run again; false when the caller is to run it.
    /// </summary>
    private async Task<bool> ReplayAsync(Attempt attempt)
    {
        var context = attempt.Context;
        var command = context.Message;
        while (!_replies.TryBegin(command.ExecutionId, out var earlier))
        {
            if (await earlier.WaitAsync(context.CancellationToken).ConfigureAwait(false) is { } reply)
            {
                attempt.Outcome = "Replayed";
                Replayed(_logger, command.NodeName, command.Attempt, command.RunId, command.ExecutionId);
                await context.Publish(reply, reply.GetType(), context.CancellationToken).ConfigureAwait(false);
                return true;
            }
        }

        return false;
    }

    private async Task RunAsync(Attempt attempt)
    {
        var context = attempt.Context;
        var command = context.Message;
        var queue = attempt.Queue;

        // A version this worker does not have (a rolling upgrade in progress): declined, not failed — the orchestrator sends
        // the attempt again until a worker that has the version takes it.
        if (!_registry.TryGet(command.FlowName, command.FlowVersion, out var registered))
        {
            var reason = _registry.TryGet(command.FlowName, out _)
                ? $"versions {_registry.DescribeVersions(command.FlowName)} of it"
                : $"no flow of that name (it has {_registry.DescribeNames()})";
            attempt.Outcome = "VersionUnavailable";
            VersionUnavailable(_logger, command.NodeName, command.Attempt, command.RunId, command.FlowName, command.FlowVersion, reason);
            await context.Publish(new NodeVersionUnavailable
            {
                RunId = command.RunId,
                ExecutionId = command.ExecutionId,
                NodeName = command.NodeName,
                Attempt = command.Attempt,
                FlowVersion = command.FlowVersion,
                Reason = reason,
                WorkerId = _options.WorkerId,
                TaskQueue = queue,
            }, context.CancellationToken).ConfigureAwait(false);
            return;
        }

        if (!registered.Flow.TryGetNode(command.NodeName, out var node))
        {
            await RejectAsync(attempt, ErrorTypes.UnknownNode,
                $"Flow '{command.FlowName}' on worker '{_options.WorkerId}' has no node '{command.NodeName}'.").ConfigureAwait(false);
            return;
        }

        if (!NodeAttemptRunner.TryReadInput(command, node, out var input, out var rejected))
        {
            await EndAsync(attempt, rejected).ConfigureAwait(false);
            return;
        }

        // Past the command's start-by time the orchestrator has given up on this copy and sent another attempt.
        if (command.StartBy is { } expiry && command.RateLimitSlot is null && _time.GetUtcNow() is var taken && taken > expiry)
        {
            attempt.Outcome = "Expired";
            CommandExpired(_logger, command.NodeName, command.Attempt, command.RunId, taken - expiry);
            return;
        }

        // A rate-limited attempt starts only inside the window its limiter reserved; one taken later (a backlog, workers
        // that were down) goes back to the orchestrator for a new slot instead of starting with the rest of the backlog.
        if (command.StartBy is { } startBy && command.RateLimitSlot is { } slot && _time.GetUtcNow() is var now && now > startBy)
        {
            StartWindowMissed(_logger, command.NodeName, command.Attempt, command.RunId, now - startBy);
            attempt.Outcome = "StartMissed";
            await context.Publish(new NodeStartMissed
            {
                RunId = command.RunId,
                ExecutionId = command.ExecutionId,
                NodeName = command.NodeName,
                Attempt = command.Attempt,
                RateLimitSlot = slot,
                ReceivedAt = now,
                WorkerId = _options.WorkerId,
            }, context.CancellationToken).ConfigureAwait(false);
            return;
        }

        // One token for the node: fires at the timeout, when the run is cancelled, or when the worker stops.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(command.Timeout);
        using var running = _running.Register(command.ExecutionId, timeout);

        attempt.StartedAt = _time.GetUtcNow();
        if (StartsLate(command, attempt.StartedAt))
        {
            // The queue wait ate into the grace the orchestrator gave this attempt: tell it the attempt started, so its
            // deadline counts from now and it does not send the node again while it runs.
            await context.Publish(new NodeStarted
            {
                RunId = command.RunId,
                ExecutionId = command.ExecutionId,
                NodeName = command.NodeName,
                Attempt = command.Attempt,
                StartedAt = attempt.StartedAt,
                WorkerId = _options.WorkerId,
            }, context.CancellationToken).ConfigureAwait(false);
        }

        if (_options.PublishNodeEvents)
        {
            // For watchers (IFlowClient.WatchAsync); the orchestrator does not consume it.
            await context.Publish(new FlowRunNodeStarted
            {
                RunId = command.RunId,
                FlowName = command.FlowName,
                StepName = command.StepName,
                NodeName = command.NodeName,
                Attempt = command.Attempt,
                ExecutionId = command.ExecutionId,
                IsCompensation = command.IsCompensation,
                WorkerId = _options.WorkerId,
                StartedAt = attempt.StartedAt,
            }, context.CancellationToken).ConfigureAwait(false);
        }

        var result = await _runner.RunAsync(command, node, node.ExecuteAsync, input, () => running.CancelledByRun, timeout.Token, context.CancellationToken).ConfigureAwait(false);
        if (result.Outcome == NodeAttemptOutcome.Interrupted)
        {
            // The worker is stopping and the node did not finish within the shutdown drain (MassTransit cancelled the
            // consume context). No NodeFailed: the attempt is not over. The cancellation, with the context's token, is
            // what MassTransit neither retries nor moves to the error queue; the command stays unacknowledged and the
            // broker redelivers it to another worker.
            attempt.Outcome = "Interrupted";
            attempt.Span?.SetStatus(ActivityStatusCode.Error, "The worker stopped before the node finished; the command goes back to the queue.");
            ReturnedAtShutdown(_logger, command.NodeName, command.Attempt, command.RunId, _options.ShutdownDrainTimeout);
            throw new OperationCanceledException(
                $"Worker '{_options.WorkerId}' is stopping: node '{node.Name}' attempt {command.Attempt} of run {command.RunId} did not finish within the shutdown drain and goes back to the queue.",
                result.Exception, context.CancellationToken);
        }

        await EndAsync(attempt, result).ConfigureAwait(false);
    }

    /// <summary>
    /// True when an attempt started at <paramref name="startedAt"/> could end after the orchestrator's deadline for it:
    /// it started within half the grace the orchestrator allowed beyond the node's timeout (the other half covers clock
    /// differences and the reply's way back).
    /// </summary>
    private static bool StartsLate(ExecuteNode command, DateTimeOffset startedAt)
    {
        if (command.ReplyBy is not { } replyBy)
        {
            return false;
        }

        var grace = command.DispatchedAt == default ? TimeSpan.Zero : replyBy - command.DispatchedAt - command.Timeout;
        return startedAt + command.Timeout > replyBy - (grace / 2);
    }

    /// <summary>Remembers the attempt's reply (a copy of the command is answered with it), then publishes it.</summary>
    private Task ReplyAsync(Attempt attempt, object reply, int size)
    {
        var context = attempt.Context;
        _replies.Remember(context.Message.ExecutionId, reply, size);
        return context.Publish(reply, reply.GetType(), context.CancellationToken);
    }

    /// <summary>
    /// The attempt's span: under the span its command names (<see cref="ExecuteNode.TraceParent"/>: the step's or the
    /// compensation's, in the run's trace), else under the current one (MassTransit's consume span, when traced).
    /// </summary>
    private Activity? StartSpan(ExecuteNode command, string queue)
    {
        var source = ResoluteTelemetry.Source;
        if (!source.HasListeners())
        {
            return null;
        }

        var parent = command.TraceParent is { } traceParent && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context)
            ? context
            : Activity.Current?.Context ?? default;
        var activity = source.StartActivity($"{(command.IsCompensation ? "compensation node" : "node")} {command.NodeName}", ActivityKind.Internal, parent,
        [
            new(ResoluteAttributes.RunId, command.RunId.ToString()),
            new(ResoluteAttributes.Flow, command.FlowName),
            new(ResoluteAttributes.FlowVersion, command.FlowVersion),
            new(ResoluteAttributes.Step, command.StepName),
            new(ResoluteAttributes.Node, command.NodeName),
            new(ResoluteAttributes.Attempt, command.Attempt),
            new(ResoluteAttributes.ExecutionId, command.ExecutionId.ToString()),
            new(ResoluteAttributes.TaskQueue, queue),
            new(ResoluteAttributes.WorkerId, _options.WorkerId),
        ]);
        if (command.IsCompensation)
        {
            activity?.SetTag(ResoluteAttributes.IsCompensation, true);
        }

        return activity;
    }

    /// <summary>The worker cannot serve the command (unknown flow, version or node, unreadable input): a non-retryable failure.</summary>
    private Task RejectAsync(Attempt attempt, string type, string message) => EndAsync(attempt, NodeAttemptResult.Rejected(type, message));

    /// <summary>Logs how the attempt ended, marks its span and replies (<see cref="NodeCompleted"/> or <see cref="NodeFailed"/>).</summary>
    private Task EndAsync(Attempt attempt, NodeAttemptResult result)
    {
        var command = attempt.Context.Message;
        attempt.Outcome = result.Outcome.ToString();
        if (result.Error is { } error)
        {
            if (result.Exception is { } thrown)
            {
                NodeThrew(_logger, thrown, command.NodeName, command.Attempt, command.RunId);
                attempt.Span?.AddException(thrown);
            }
            else
            {
                NodeFailedWith(_logger, command.NodeName, command.Attempt, command.RunId, error.Type, error.Message);
            }

            attempt.Span?.SetStatus(ActivityStatusCode.Error, error.Message);
            attempt.Span?.SetTag(ResoluteAttributes.ErrorType, error.Type);
        }

        var reply = result.ToReply(command, attempt.StartedAt, _time.GetUtcNow(), _options.WorkerId, attempt.Queue);
        return ReplyAsync(attempt, reply, result.OutputJson?.Length ?? result.Error!.Message.Length);
    }

    private static readonly Func<ILogger, Guid, string, string, int, IDisposable?> AttemptScope =
        LoggerMessage.DefineScope<Guid, string, string, int>("Run {RunId} of flow {FlowName}, node {NodeName} attempt {Attempt}");

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Node {NodeName} attempt {Attempt} of run {RunId} threw")]
    private static partial void NodeThrew(ILogger logger, Exception exception, string nodeName, int attempt, Guid runId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Node {NodeName} attempt {Attempt} of run {RunId} failed: {ErrorType}: {ErrorMessage}")]
    private static partial void NodeFailedWith(ILogger logger, string nodeName, int attempt, Guid runId, string errorType, string errorMessage);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Node {NodeName} attempt {Attempt} of run {RunId} was still running when the shutdown drain ({Drain}) ended: cancelled, and its command goes back to the queue for another worker")]
    private static partial void ReturnedAtShutdown(ILogger logger, string nodeName, int attempt, Guid runId, TimeSpan drain);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Node {NodeName} attempt {Attempt} of run {RunId} was taken {Late} after its rate-limit window closed; sent back for a new slot")]
    private static partial void StartWindowMissed(ILogger logger, string nodeName, int attempt, Guid runId, TimeSpan late);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Node {NodeName} attempt {Attempt} of run {RunId} (execution {ExecutionId}) was delivered again; answered with the reply this worker already sent, not run again")]
    private static partial void Replayed(ILogger logger, string nodeName, int attempt, Guid runId, Guid executionId);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Node {NodeName} attempt {Attempt} of run {RunId} was taken {Late} after its start-by time: the orchestrator has counted it as lost and sent another attempt, so it is dropped unrun")]
    private static partial void CommandExpired(ILogger logger, string nodeName, int attempt, Guid runId, TimeSpan late);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Warning, Message = "Node {NodeName} attempt {Attempt} of run {RunId} is for flow {FlowName} version {FlowVersion}, which this worker does not have ({Reason}); declined, the orchestrator sends it again for a worker that has it")]
    private static partial void VersionUnavailable(ILogger logger, string nodeName, int attempt, Guid runId, string flowName, string flowVersion, string reason);

    /// <summary>One attempt as the consumer handles it: its command, span, start time and, once known, its outcome.</summary>
    private sealed class Attempt(ConsumeContext<ExecuteNode> context, string queue, Activity? span, DateTimeOffset startedAt)
    {
        public ConsumeContext<ExecuteNode> Context { get; } = context;

        public string Queue { get; } = queue;

        public Activity? Span { get; } = span;

        /// <summary>When the node started (until then, when the command was received).</summary>
        public DateTimeOffset StartedAt { get; set; } = startedAt;

        /// <summary><c>Completed</c>, <c>Failed</c>, <c>TimedOut</c>, <c>Cancelled</c>, <c>Rejected</c>, <c>StartMissed</c>, <c>Expired</c>, <c>Replayed</c>, <c>VersionUnavailable</c>; null while running.</summary>
        public string? Outcome { get; set; }
    }
}
