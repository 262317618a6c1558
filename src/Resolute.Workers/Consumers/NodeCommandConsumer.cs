using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Resolute.Contracts;
using Resolute.Serialization;

namespace Resolute.Workers.Consumers;

/// <summary>
/// Runs one node attempt: finds the node by flow, version and name, reads the input, runs the node function with a
/// <see cref="NodeContext"/> whose token fires at the node's timeout and whose services are a DI scope opened for the
/// attempt (disposed when the attempt ends, before the reply), and publishes <see cref="NodeCompleted"/> or
/// <see cref="NodeFailed"/>. A command this worker cannot serve (unknown flow, other version, unknown node, bad input)
/// fails the node with a clear, non-retryable error instead of guessing.
/// </summary>
public sealed partial class NodeCommandConsumer : IConsumer<ExecuteNode>
{
    /// <summary>
    /// How long a node cancelled by the shutdown drain may take to unwind before its command is handed back. Within the
    /// 3 s the bus is given after the drain (see <c>ResoluteHealthRegistration.BusStopMargin</c>).
    /// </summary>
    internal static readonly TimeSpan ShutdownUnwindGrace = TimeSpan.FromSeconds(1);

    private readonly FlowRegistry _registry;
    private readonly WorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<NodeCommandConsumer> _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly RunningNodes _running;
    private readonly IServiceScopeFactory _scopes;

    /// <summary>Creates the consumer.</summary>
    /// <param name="registry">The flows this worker runs.</param>
    /// <param name="options">The worker's settings.</param>
    /// <param name="time">The clock.</param>
    /// <param name="loggerFactory">Loggers for the consumer and the nodes.</param>
    /// <param name="running">The attempts in progress, for cancellation.</param>
    /// <param name="scopes">The root container's scope factory: each attempt runs in a scope of its own.</param>
    public NodeCommandConsumer(FlowRegistry registry, WorkerOptions options, TimeProvider time, ILoggerFactory loggerFactory, RunningNodes running, IServiceScopeFactory scopes)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(scopes);
        _scopes = scopes;
        _running = running;
        _registry = registry;
        _options = options;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<NodeCommandConsumer>();
    }

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<ExecuteNode> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = context.Message;
        var startedAt = _time.GetUtcNow();
        var queue = context.ReceiveContext.InputAddress?.AbsolutePath.Trim('/');

        if (!_registry.TryGet(command.FlowName, out var registered))
        {
            await FailAsync(context, startedAt, queue, ErrorTypes.UnknownFlow,
                $"Worker '{_options.WorkerId}' (queue '{queue}') does not know flow '{command.FlowName}'; it knows {_registry.DescribeNames()}. Register the flow on the workers of this queue.",
                retryable: false).ConfigureAwait(false);
            return;
        }

        if (registered.Flow.Version != command.FlowVersion)
        {
            await FailAsync(context, startedAt, queue, ErrorTypes.FlowVersionMismatch,
                $"Worker '{_options.WorkerId}' has flow '{command.FlowName}' version {registered.Flow.Version}, but the command is for version {command.FlowVersion}. Deploy the same flow definition to orchestrator and workers.",
                retryable: false).ConfigureAwait(false);
            return;
        }

        if (!registered.Flow.TryGetNode(command.NodeName, out var node))
        {
            await FailAsync(context, startedAt, queue, ErrorTypes.UnknownNode,
                $"Flow '{command.FlowName}' on worker '{_options.WorkerId}' has no node '{command.NodeName}'.",
                retryable: false).ConfigureAwait(false);
            return;
        }

        object? input;
        try
        {
            input = JsonSerializer.Deserialize(command.InputJson ?? "null", node.InputType, ResoluteJson.Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            await FailAsync(context, startedAt, queue, ErrorTypes.InvalidInput,
                $"The input of node '{node.Name}' does not read as {ResoluteJson.DisplayName(node.InputType)}: {e.Message}",
                retryable: false).ConfigureAwait(false);
            return;
        }

        // A rate-limited attempt starts only inside the window its limiter reserved; one taken later (a backlog, workers
        // that were down) goes back to the orchestrator for a new slot instead of starting with the rest of the backlog.
        if (command.StartBy is { } startBy && command.RateLimitSlot is { } slot && _time.GetUtcNow() is var now && now > startBy)
        {
            StartWindowMissed(_logger, command.NodeName, command.Attempt, command.RunId, now - startBy);
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
        var nodeLogger = _loggerFactory.CreateLogger($"Resolute.Nodes.{command.FlowName}.{command.NodeName}");
        using var scope = _logger.BeginScope(new Dictionary<string, object> { ["RunId"] = command.RunId, ["Node"] = command.NodeName, ["Attempt"] = command.Attempt });
        using var activity = WorkerTelemetry.Source.StartActivity($"node {command.NodeName}", ActivityKind.Internal);
        activity?.SetTag("resolute.run_id", command.RunId);
        activity?.SetTag("resolute.flow", command.FlowName);
        activity?.SetTag("resolute.node", command.NodeName);
        activity?.SetTag("resolute.attempt", command.Attempt);

        startedAt = _time.GetUtcNow();
        object? output;
        try
        {
            output = await ExecuteInScopeAsync(node, input, command, nodeLogger, timeout.Token, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (context.CancellationToken.IsCancellationRequested)
        {
            // The worker is stopping and the node did not finish within the shutdown drain (MassTransit cancelled the
            // consume context). No NodeFailed: the attempt is not over. The cancellation, with the context's token, is
            // what MassTransit neither retries nor moves to the error queue; the command stays unacknowledged and the
            // broker redelivers it to another worker.
            activity?.SetStatus(ActivityStatusCode.Error, "worker stopping");
            ReturnedAtShutdown(_logger, command.NodeName, command.Attempt, command.RunId, _options.ShutdownDrainTimeout);
            throw new OperationCanceledException(
                $"Worker '{_options.WorkerId}' is stopping: node '{node.Name}' attempt {command.Attempt} of run {command.RunId} did not finish within the shutdown drain and goes back to the queue.",
                e, context.CancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException && running.CancelledByRun)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled");
            await FailAsync(context, startedAt, queue, ErrorTypes.NodeCancelled,
                $"Node '{node.Name}' was cancelled because its run was cancelled; its CancellationToken fired.",
                retryable: false).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is OperationCanceledException && timeout.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "timeout");
            await FailAsync(context, startedAt, queue, ErrorTypes.NodeTimeout,
                $"Node '{node.Name}' did not finish within its timeout of {command.Timeout}; its CancellationToken was cancelled.",
                retryable: true).ConfigureAwait(false);
            return;
        }
        catch (NodeActivationException e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "activation failed");
            await FailAsync(context, startedAt, queue, ErrorTypes.NodeActivationFailed, e.Message, retryable: false).ConfigureAwait(false);
            return;
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            NodeThrew(_logger, e, command.NodeName, command.Attempt, command.RunId);
            await PublishFailureAsync(context, startedAt, queue, ErrorInfo.FromException(e), node.RetryPolicy.IsRetryable(e)).ConfigureAwait(false);
            return;
        }

        string outputJson;
        try
        {
            outputJson = JsonSerializer.Serialize(output, node.OutputType, ResoluteJson.Options);
        }
        catch (Exception e) when (e is NotSupportedException or JsonException or InvalidOperationException)
        {
            await FailAsync(context, startedAt, queue, ErrorTypes.InvalidOutput,
                $"The output of node '{node.Name}' ({ResoluteJson.DisplayName(node.OutputType)}) could not be serialised to JSON: {e.Message}",
                retryable: false).ConfigureAwait(false);
            return;
        }

        if (Encoding.UTF8.GetByteCount(outputJson) > _options.MaxPayloadBytes)
        {
            await FailAsync(context, startedAt, queue, ErrorTypes.PayloadTooLarge,
                $"Node '{node.Name}' returned {Encoding.UTF8.GetByteCount(outputJson)} bytes of output; the limit is {_options.MaxPayloadBytes} bytes. Return a reference (an id, a blob URL) instead of the data.",
                retryable: false).ConfigureAwait(false);
            return;
        }

        await context.Publish(new NodeCompleted
        {
            RunId = command.RunId,
            ExecutionId = command.ExecutionId,
            NodeName = command.NodeName,
            Attempt = command.Attempt,
            OutputJson = outputJson,
            StartedAt = startedAt,
            CompletedAt = _time.GetUtcNow(),
            WorkerId = _options.WorkerId,
            TaskQueue = queue,
        }, context.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the node in a DI scope of its own, created from the root container for this attempt and disposed when the
    /// attempt ends — completed, thrown, timed out or cancelled — so scoped services (a DbContext, an HttpClient's
    /// handler scope) live exactly as long as the attempt. A node that ignores its token is abandoned at the timeout and
    /// its scope disposed under it. A service that throws while being disposed is logged; the attempt's outcome stands
    /// (failing a completed attempt would run its side effects again).
    /// </summary>
    private async Task<object?> ExecuteInScopeAsync(Node node, object? input, ExecuteNode command, ILogger nodeLogger, CancellationToken token, CancellationToken stopping)
    {
        var scope = _scopes.CreateAsyncScope();
        Task<object?>? execution = null;
        try
        {
            var nodeContext = new NodeContext(command.RunId, command.FlowName, command.NodeName, command.Attempt, command.IdempotencyKey, token, nodeLogger, scope.ServiceProvider);

            // WaitAsync: a node that ignores its token still ends its attempt when the token fires (the task is abandoned).
            execution = node.ExecuteAsync(input, nodeContext);
            return await execution.WaitAsync(token).ConfigureAwait(false);
        }
        catch (Exception) when (stopping.IsCancellationRequested && execution is not null)
        {
            // The worker is stopping: a node that honours its token gets a moment to unwind (its finally blocks, its own
            // clean-up) before its services are disposed and the process goes on stopping; one that ignores it is
            // abandoned after that moment.
            await Task.WhenAny(execution, Task.Delay(ShutdownUnwindGrace, _time)).ConfigureAwait(false);
            throw;
        }
        finally
        {
            try
            {
                await scope.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                ScopeDisposalFailed(_logger, e, command.NodeName, command.Attempt, command.RunId);
            }
        }
    }

    private Task FailAsync(ConsumeContext<ExecuteNode> context, DateTimeOffset startedAt, string? queue, string type, string message, bool retryable)
    {
        var command = context.Message;
        NodeFailedWith(_logger, command.NodeName, command.Attempt, command.RunId, type, message);
        return PublishFailureAsync(context, startedAt, queue, new ErrorInfo { Type = type, Message = message }, retryable);
    }

    private Task PublishFailureAsync(ConsumeContext<ExecuteNode> context, DateTimeOffset startedAt, string? queue, ErrorInfo error, bool retryable)
    {
        var command = context.Message;
        return context.Publish(new NodeFailed
        {
            RunId = command.RunId,
            ExecutionId = command.ExecutionId,
            NodeName = command.NodeName,
            Attempt = command.Attempt,
            Error = error,
            Retryable = retryable,
            StartedAt = startedAt,
            FailedAt = _time.GetUtcNow(),
            WorkerId = _options.WorkerId,
            TaskQueue = queue,
        }, context.CancellationToken);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Node {NodeName} attempt {Attempt} of run {RunId} threw")]
    private static partial void NodeThrew(ILogger logger, Exception exception, string nodeName, int attempt, Guid runId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Node {NodeName} attempt {Attempt} of run {RunId} failed: {ErrorType}: {ErrorMessage}")]
    private static partial void NodeFailedWith(ILogger logger, string nodeName, int attempt, Guid runId, string errorType, string errorMessage);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Node {NodeName} attempt {Attempt} of run {RunId} was still running when the shutdown drain ({Drain}) ended: cancelled, and its command goes back to the queue for another worker")]
    private static partial void ReturnedAtShutdown(ILogger logger, string nodeName, int attempt, Guid runId, TimeSpan drain);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Node {NodeName} attempt {Attempt} of run {RunId} was taken {Late} after its rate-limit window closed; sent back for a new slot")]
    private static partial void StartWindowMissed(ILogger logger, string nodeName, int attempt, Guid runId, TimeSpan late);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Node {NodeName} attempt {Attempt} of run {RunId}: disposing the attempt's services threw")]
    private static partial void ScopeDisposalFailed(ILogger logger, Exception exception, string nodeName, int attempt, Guid runId);
}
