using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Resolute.Contracts;
using Resolute.Serialization;
using Resolute.Workers.Consumers;

namespace Resolute.Workers.Execution;

/// <summary>
/// The bus-free core of one node attempt, shared by <see cref="NodeCommandConsumer"/> and the testing package's
/// in-process worker so both keep the same rules: reads the input from the command's JSON, runs the node function in a
/// DI scope of its own with a <see cref="NodeContext"/> carrying the caller's token, and sorts what happened into a
/// <see cref="NodeAttemptResult"/> (completed, timed out, cancelled, threw, invalid input, invalid or too large output)
/// with the error texts and retryability a worker replies with. The caller owns the token (a worker's fires after
/// <c>CancelAfter</c>, the tester's on its virtual clock) and everything that goes on the bus.
/// </summary>
internal sealed partial class NodeAttemptRunner
{
    /// <summary>
    /// How long a node cancelled by the shutdown drain may take to unwind before its services are disposed. Within the
    /// 3 s the bus is given after the drain (see <c>ResoluteHealthRegistration.BusStopMargin</c>).
    /// </summary>
    internal static readonly TimeSpan ShutdownUnwindGrace = TimeSpan.FromSeconds(1);

    private readonly IServiceScopeFactory? _scopes;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly int? _maxOutputBytes;

    /// <param name="scopes">Each attempt runs in a scope of its own; null to run nodes without services.</param>
    /// <param name="loggerFactory">The nodes' loggers (<c>Resolute.Nodes.{flow}.{node}</c>); null for none.</param>
    /// <param name="logger">Where a scope that throws while being disposed is logged.</param>
    /// <param name="time">The clock the shutdown unwind grace is waited on.</param>
    /// <param name="maxOutputBytes">The largest output (UTF-8 JSON) a node may return; null for no limit.</param>
    public NodeAttemptRunner(IServiceScopeFactory? scopes, ILoggerFactory? loggerFactory, ILogger logger, TimeProvider time, int? maxOutputBytes)
    {
        _scopes = scopes;
        _loggerFactory = loggerFactory;
        _logger = logger;
        _time = time;
        _maxOutputBytes = maxOutputBytes;
    }

    /// <summary>Reads the command's input as the node's input type; false with a rejection when it does not read.</summary>
    public static bool TryReadInput(ExecuteNode command, Node node, out object? input, [NotNullWhen(false)] out NodeAttemptResult? rejected)
    {
        try
        {
            input = JsonSerializer.Deserialize(command.InputJson ?? "null", node.InputType, ResoluteJson.Options);
            rejected = null;
            return true;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            input = null;
            rejected = NodeAttemptResult.Rejected(ErrorTypes.InvalidInput,
                $"The input of node '{node.Name}' does not read as {ResoluteJson.DisplayName(node.InputType)}: {e.Message}");
            return false;
        }
    }

    /// <summary>Runs <paramref name="function"/> (the node's own, or a stand-in for it) and sorts the outcome. Never throws.</summary>
    /// <param name="command">The attempt's command.</param>
    /// <param name="node">The node the command names.</param>
    /// <param name="function">What runs for the node.</param>
    /// <param name="input">The input <see cref="TryReadInput"/> read.</param>
    /// <param name="cancelledByRun">True when the run's cancellation (not the timeout) fired <paramref name="token"/>.</param>
    /// <param name="token">The node's token: fires at its timeout or when its run is cancelled.</param>
    /// <param name="stopping">Fires when the worker stops: the attempt is then <see cref="NodeAttemptOutcome.Interrupted"/>.</param>
    public async Task<NodeAttemptResult> RunAsync(ExecuteNode command, Node node, Func<object?, NodeContext, Task<object?>> function, object? input,
        Func<bool> cancelledByRun, CancellationToken token, CancellationToken stopping)
    {
        object? output;
        try
        {
            output = await ExecuteInScopeAsync(command, function, input, token, stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (stopping.IsCancellationRequested)
        {
            return NodeAttemptResult.Interrupted(e);
        }
        catch (Exception e) when (e is OperationCanceledException && cancelledByRun())
        {
            return NodeAttemptResult.Failure(NodeAttemptOutcome.Cancelled, ErrorTypes.NodeCancelled,
                $"Node '{node.Name}' was cancelled because its run was cancelled; its CancellationToken fired.",
                retryable: false);
        }
        catch (Exception e) when (e is OperationCanceledException && token.IsCancellationRequested)
        {
            return NodeAttemptResult.Failure(NodeAttemptOutcome.TimedOut, ErrorTypes.NodeTimeout,
                $"Node '{node.Name}' did not finish within its timeout of {command.Timeout}; its CancellationToken was cancelled.",
                retryable: true);
        }
        catch (NodeActivationException e)
        {
            return NodeAttemptResult.Rejected(ErrorTypes.NodeActivationFailed, e.Message);
        }
#pragma warning disable CA1031 // Whatever a node throws becomes its attempt's failure.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return NodeAttemptResult.Threw(e, NodeExceptionErrors.Describe(e, node.Name, command.Timeout), node.RetryPolicy.IsRetryable(e));
        }

        string outputJson;
        try
        {
            outputJson = JsonSerializer.Serialize(output, node.OutputType, ResoluteJson.Options);
        }
#pragma warning disable CA1031 // A property getter of the output that throws must fail the attempt, not the command.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return NodeAttemptResult.Failure(NodeAttemptOutcome.Failed, ErrorTypes.InvalidOutput,
                $"The output of node '{node.Name}' ({ResoluteJson.DisplayName(node.OutputType)}) could not be serialised to JSON: {e.GetType().Name}: {e.Message} " +
                "Return plain data (records, lists, strings, numbers) without cycles, delegates, streams or getters that throw.",
                retryable: false);
        }

        if (_maxOutputBytes is { } limit && Encoding.UTF8.GetByteCount(outputJson) > limit)
        {
            return NodeAttemptResult.Failure(NodeAttemptOutcome.Failed, ErrorTypes.PayloadTooLarge,
                $"Node '{node.Name}' returned {Encoding.UTF8.GetByteCount(outputJson)} bytes of output; the limit is {limit} bytes. Return a reference (an id, a blob URL) instead of the data.",
                retryable: false);
        }

        return NodeAttemptResult.Completed(outputJson);
    }

    /// <summary>
    /// Runs the node in a DI scope of its own, created for this attempt and disposed when the attempt ends — completed,
    /// thrown, timed out or cancelled — so scoped services (a DbContext, an HttpClient's handler scope) live exactly as
    /// long as the attempt. A node that ignores its token is abandoned when the token fires and its scope disposed under
    /// it. A service that throws while being disposed is logged; the attempt's outcome stands (failing a completed
    /// attempt would run its side effects again).
    /// </summary>
    private async Task<object?> ExecuteInScopeAsync(ExecuteNode command, Func<object?, NodeContext, Task<object?>> function, object? input,
        CancellationToken token, CancellationToken stopping)
    {
        var scope = _scopes?.CreateAsyncScope();
        Task<object?>? execution = null;
        try
        {
            var nodeLogger = _loggerFactory?.CreateLogger($"Resolute.Nodes.{command.FlowName}.{command.NodeName}");
            var nodeContext = new NodeContext(command.RunId, command.FlowName, command.NodeName, command.Attempt, command.IdempotencyKey, token, nodeLogger, scope?.ServiceProvider);

            // WaitAsync: a node that ignores its token still ends its attempt when the token fires (the task is abandoned).
            execution = function(input, nodeContext);
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
            if (scope is { } owned)
            {
                try
                {
                    await owned.DisposeAsync().ConfigureAwait(false);
                }
#pragma warning disable CA1031 // The attempt's outcome stands whatever its services do while being disposed.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    ScopeDisposalFailed(_logger, e, command.NodeName, command.Attempt, command.RunId);
                }
            }
        }
    }

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Node {NodeName} attempt {Attempt} of run {RunId}: disposing the attempt's services threw")]
    private static partial void ScopeDisposalFailed(ILogger logger, Exception exception, string nodeName, int attempt, Guid runId);
}
