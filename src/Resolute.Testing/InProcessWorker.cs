using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Resolute.Contracts;
using Resolute.Workers.Execution;

namespace Resolute.Testing;

/// <summary>
/// The tester's worker: runs one node attempt with the worker's own <see cref="NodeAttemptRunner"/> — the input read
/// from the command's JSON, the node (or its override) run in a DI scope of its own with a token that fires at the
/// timeout or on cancellation, the outcome turned into the same <see cref="NodeCompleted"/> or <see cref="NodeFailed"/>
/// reply (error types, texts and retryability alike) — but in-process, with no bus and the token on the virtual clock.
/// </summary>
internal sealed class InProcessWorker
{
    /// <summary>The worker id the tester's replies carry.</summary>
    public const string WorkerId = "flow-tester";

    private readonly NodeSubstitutions _substitutions;
    private readonly TimeProvider _clock;
    private readonly NodeAttemptRunner _runner;

    public InProcessWorker(NodeSubstitutions substitutions, TimeProvider clock, IServiceProvider? services)
    {
        _substitutions = substitutions;
        _clock = clock;
        var loggers = services?.GetService<ILoggerFactory>();
        // No output limit: the tester has no bus, so no payload size to keep under.
        _runner = new NodeAttemptRunner(services?.GetRequiredService<IServiceScopeFactory>(), loggers,
            (ILogger?)loggers?.CreateLogger<FlowTester>() ?? NullLogger.Instance, clock, maxOutputBytes: null);
    }

    /// <summary>Runs the attempt to its reply. Never throws: whatever the node does becomes the reply.</summary>
    public async Task<object> RunAsync(RunningAttempt attempt)
    {
        attempt.MarkEntered();
        var command = attempt.Command;
        var node = attempt.Node;
        if (!NodeAttemptRunner.TryReadInput(command, node, out var input, out var result))
        {
            return Reply(attempt, result);
        }

        // An injected failure is thrown in place of the node function, inside the attempt's scope as a node's own would be.
        var injected = _substitutions.InjectedFailure(command.NodeName, command.Attempt);
        var function = injected is null ? _substitutions.FunctionOf(node) : (_, _) => throw injected;

        // The tester never stops under a node: no stopping token.
        result = await _runner.RunAsync(command, node, function, input, () => attempt.CancelledByRun, attempt.Token, CancellationToken.None).ConfigureAwait(false);
        return Reply(attempt, result);
    }

    private object Reply(RunningAttempt attempt, NodeAttemptResult result) =>
        result.ToReply(attempt.Command, attempt.StartedAt, _clock.GetUtcNow(), WorkerId, attempt.TaskQueue);
}
