using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Resolute.Contracts;
using Resolute.Serialization;
using Resolute.Workers.Consumers;

namespace Resolute.Testing;

/// <summary>
/// The tester's worker: runs one node attempt as <c>NodeCommandConsumer</c> does — the input read from the command's JSON,
/// the node (or its override) run in a DI scope of its own with a token that fires at the timeout or on cancellation,
/// the outcome turned into the same <see cref="NodeCompleted"/> or <see cref="NodeFailed"/> reply (error types, texts and
/// retryability alike) — but in-process and on the virtual clock, with no bus.
/// </summary>
internal sealed class InProcessWorker
{
    /// <summary>The worker id the tester's replies carry.</summary>
    public const string WorkerId = "flow-tester";

    private readonly NodeSubstitutions _substitutions;
    private readonly TimeProvider _clock;
    private readonly IServiceProvider? _services;

    public InProcessWorker(NodeSubstitutions substitutions, TimeProvider clock, IServiceProvider? services)
    {
        _substitutions = substitutions;
        _clock = clock;
        _services = services;
    }

    /// <summary>Runs the attempt to its reply. Never throws: whatever the node does becomes the reply.</summary>
    public async Task<object> RunAsync(RunningAttempt attempt)
    {
        attempt.MarkEntered();
        var command = attempt.Command;
        var node = attempt.Node;
        object? input;
        try
        {
            input = JsonSerializer.Deserialize(command.InputJson ?? "null", node.InputType, ResoluteJson.Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            return Failed(attempt, ErrorTypes.InvalidInput, $"The input of node '{node.Name}' does not read as {ResoluteJson.DisplayName(node.InputType)}: {e.Message}", retryable: false);
        }

        object? output;
        try
        {
            output = await ExecuteInScopeAsync(attempt, input).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException && attempt.CancelledByRun)
        {
            return Failed(attempt, ErrorTypes.NodeCancelled, $"Node '{node.Name}' was cancelled because its run was cancelled; its CancellationToken fired.", retryable: false);
        }
        catch (Exception e) when (e is OperationCanceledException && attempt.TokenFired)
        {
            return Failed(attempt, ErrorTypes.NodeTimeout, $"Node '{node.Name}' did not finish within its timeout of {command.Timeout}; its CancellationToken was cancelled.", retryable: true);
        }
        catch (NodeActivationException e)
        {
            return Failed(attempt, ErrorTypes.NodeActivationFailed, e.Message, retryable: false);
        }
#pragma warning disable CA1031 // Whatever a node throws becomes its attempt's failure, as on a worker.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Failed(attempt, NodeExceptionErrors.Describe(e, node.Name, command.Timeout), node.RetryPolicy.IsRetryable(e));
        }

        string outputJson;
        try
        {
            outputJson = JsonSerializer.Serialize(output, node.OutputType, ResoluteJson.Options);
        }
#pragma warning disable CA1031 // A property getter of the output that throws fails the attempt, as on a worker.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Failed(attempt, ErrorTypes.InvalidOutput,
                $"The output of node '{node.Name}' ({ResoluteJson.DisplayName(node.OutputType)}) could not be serialised to JSON: {e.GetType().Name}: {e.Message} " +
                "Return plain data (records, lists, strings, numbers) without cycles, delegates, streams or getters that throw.",
                retryable: false);
        }

        return new NodeCompleted
        {
            RunId = command.RunId,
            ExecutionId = command.ExecutionId,
            NodeName = command.NodeName,
            Attempt = command.Attempt,
            OutputJson = outputJson,
            StartedAt = attempt.StartedAt,
            CompletedAt = _clock.GetUtcNow(),
            WorkerId = WorkerId,
            TaskQueue = attempt.TaskQueue,
        };
    }

    /// <summary>
    /// Runs the node in a scope of its own (disposed when the attempt ends). An injected failure is thrown in place of
    /// the node function; a node that ignores its token is abandoned when the token fires, as on a worker.
    /// </summary>
    private async Task<object?> ExecuteInScopeAsync(RunningAttempt attempt, object? input)
    {
        var command = attempt.Command;
        var scope = _services?.CreateAsyncScope();
        try
        {
            var services = scope?.ServiceProvider;
            var logger = services?.GetService<ILoggerFactory>()?.CreateLogger($"Resolute.Nodes.{command.FlowName}.{command.NodeName}");
            var context = new NodeContext(command.RunId, command.FlowName, command.NodeName, command.Attempt, command.IdempotencyKey, attempt.Token, logger, services);
            if (_substitutions.InjectedFailure(command.NodeName, command.Attempt) is { } injected)
            {
                throw injected;
            }

            var execution = _substitutions.FunctionOf(attempt.Node)(input, context);
            return await execution.WaitAsync(attempt.Token).ConfigureAwait(false);
        }
        finally
        {
            if (scope is { } owned)
            {
                await owned.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private NodeFailed Failed(RunningAttempt attempt, string type, string message, bool retryable) =>
        Failed(attempt, new ErrorInfo { Type = type, Message = message }, retryable);

    private NodeFailed Failed(RunningAttempt attempt, ErrorInfo error, bool retryable)
    {
        var command = attempt.Command;
        return new NodeFailed
        {
            RunId = command.RunId,
            ExecutionId = command.ExecutionId,
            NodeName = command.NodeName,
            Attempt = command.Attempt,
            Error = error,
            Retryable = retryable,
            StartedAt = attempt.StartedAt,
            FailedAt = _clock.GetUtcNow(),
            WorkerId = WorkerId,
            TaskQueue = attempt.TaskQueue,
        };
    }
}
