using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Serialization;

namespace Resolute.Testing;

/// <summary>
/// Unit-tests a flow in-process, with no broker and no database. A run follows the engine's own rules (the
/// <c>FlowRunDecider</c> the orchestrator uses), its nodes run as a worker runs them — the nodes of a parallel step
/// really at the same time — and time is virtual: retries' back-off, rate-limit slots and node timeouts pass on a
/// virtual clock, so a run with retries ends at once in wall-clock time.
/// </summary>
/// <example>
/// <code>
/// var run = await new FlowTester(flow)
///     .Override("enrich-jira", (EnrichInput input, NodeContext context) => Task.FromResult(new JiraOutput(["JIRA-1"])))
///     .FailOn("enrich-slack", attempt: 1, new HttpRequestException("slack down"))
///     .RunAsync(new FetchInput("repo"));
/// Assert.Equal(RunStatus.Completed, run.Status);
/// </code>
/// </example>
public sealed class FlowTester
{
    private readonly FlowTesterOptions _options;
    private readonly NodeSubstitutions _substitutions;
    private readonly List<Action<IServiceCollection>> _configureServices = [];

    /// <summary>A tester of <paramref name="flow"/>.</summary>
    /// <param name="flow">The flow under test (built with <c>Flow.Create(...).Build()</c>).</param>
    /// <param name="options">Settings; null for the defaults.</param>
    public FlowTester(Flow flow, FlowTesterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(flow);
        _options = options ?? new FlowTesterOptions();
        _options.Validate();
        Flow = flow;
        _substitutions = new NodeSubstitutions(flow);
    }

    /// <summary>The flow under test.</summary>
    public Flow Flow { get; }

    /// <summary>A tester of <paramref name="flow"/> (the same as the constructor).</summary>
    public static FlowTester For(Flow flow, FlowTesterOptions? options = null) => new(flow, options);

    /// <summary>
    /// Runs <paramref name="function"/> instead of the node's own function (a step node or a compensation). Its types must
    /// be the node's: the input is read from JSON and the output written to JSON exactly as for the real node.
    /// </summary>
    /// <param name="nodeName">The node's name.</param>
    /// <param name="function">The stand-in. Honour <see cref="NodeContext.CancellationToken"/>: it fires at the node's timeout (virtual time) or when the run is cancelled.</param>
    /// <exception cref="ArgumentException">The flow has no such node (the message lists its nodes), or the types differ from the node's.</exception>
    public FlowTester Override<TIn, TOut>(string nodeName, Func<TIn, NodeContext, Task<TOut>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        _substitutions.Override(nodeName, function);
        return this;
    }

    /// <summary>
    /// Makes attempt <paramref name="attempt"/> of the node throw <paramref name="error"/> instead of running; other
    /// attempts run. Whether the failure is retried follows the node's retry policy, as for a real exception. Call it
    /// again for more attempts.
    /// </summary>
    /// <param name="nodeName">The node's name.</param>
    /// <param name="attempt">1 for the first attempt, 2 for the first retry, ...</param>
    /// <param name="error">What the attempt throws.</param>
    /// <exception cref="ArgumentException">The flow has no such node.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attempt"/> is less than 1.</exception>
    public FlowTester FailOn(string nodeName, int attempt, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        _substitutions.FailOn(nodeName, attempt, error);
        return this;
    }

    /// <summary>Makes every attempt of the node throw <paramref name="error"/> (default: an <see cref="InvalidOperationException"/> naming the node).</summary>
    /// <param name="nodeName">The node's name.</param>
    /// <param name="error">What every attempt throws.</param>
    /// <exception cref="ArgumentException">The flow has no such node.</exception>
    public FlowTester FailAlways(string nodeName, Exception? error = null)
    {
        _substitutions.FailAlways(nodeName, error ?? new InvalidOperationException($"Node '{nodeName}' fails on every attempt (FlowTester.FailAlways)."));
        return this;
    }

    /// <summary>
    /// Registers services for the class-based nodes (<c>Node.Create&lt;TNode, TIn, TOut&gt;</c>). Each run builds its own
    /// container from these registrations, runs every attempt in a scope of it, and disposes it when the run is disposed.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="FlowTesterOptions.Services"/> is set too.</exception>
    public FlowTester ConfigureServices(Action<IServiceCollection> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        if (_options.Services is not null)
        {
            throw new InvalidOperationException("FlowTesterOptions.Services is set; ConfigureServices would build a second container. Register the services in that provider, or leave Services null.");
        }

        _configureServices.Add(configure);
        return this;
    }

    /// <summary>
    /// Runs the flow with <paramref name="input"/> until the run ends — Completed, Failed, CompensationFailed or
    /// Cancelled — moving the virtual clock whenever only a timer can move the run on.
    /// </summary>
    /// <param name="input">The run input (serialised to JSON as the client does), or null for none.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The ended run, to assert on.</returns>
    /// <exception cref="TimeoutException">The run did not end within <see cref="FlowTesterOptions.Timeout"/> of wall-clock time.</exception>
    public async Task<FlowTestRun> RunAsync(object? input = null, CancellationToken cancellationToken = default)
    {
        var run = await StartAsync(input, cancellationToken).ConfigureAwait(false);
        try
        {
            await run.RunToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await run.DisposeAsync().ConfigureAwait(false);
        }

        return run;
    }

    /// <summary>
    /// Starts a run and returns once it waits for a timer or for running nodes, with the virtual clock still at its
    /// start: step it with <see cref="FlowTestRun.AdvanceAsync"/>, <see cref="FlowTestRun.CancelAsync"/> and
    /// <see cref="FlowTestRun.RunToEndAsync"/>. Dispose it (<c>await using</c>) to stop nodes still running.
    /// </summary>
    /// <param name="input">The run input, or null for none.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="InvalidOperationException">A class-based node has no services to be created from.</exception>
    public async Task<FlowTestRun> StartAsync(object? input = null, CancellationToken cancellationToken = default)
    {
        var (services, owned) = Services();
        var run = new FlowTestRun(Flow, _options, _substitutions, services, owned);
        try
        {
            var inputJson = input is null ? null : JsonSerializer.Serialize(input, input.GetType(), ResoluteJson.Options);
            await run.StartAsync(inputJson, cancellationToken).ConfigureAwait(false);
            return run;
        }
        catch
        {
            await run.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The services attempts run with; a class-based node without any is an error before the run starts.</summary>
    private (IServiceProvider? Services, ServiceProvider? Owned) Services()
    {
        if (_options.Services is { } given)
        {
            return (given, null);
        }

        if (_configureServices.Count > 0)
        {
            var collection = new ServiceCollection();
            foreach (var configure in _configureServices)
            {
                configure(collection);
            }

            var built = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
            return (built, built);
        }

        var needy = Flow.Nodes.Where(n => n.ImplementationType is not null && !_substitutions.Replaces(n)).ToList();
        if (needy.Count > 0)
        {
            throw new InvalidOperationException(
                $"Flow '{Flow.Name}' has class-based nodes created from services: {string.Join(", ", needy.Select(n => $"'{n.Name}' ({n.ImplementationType!.Name})"))}. " +
                "Give the tester their services with ConfigureServices(services => ...) or FlowTesterOptions.Services, or Override those nodes.");
        }

        return (null, null);
    }
}
