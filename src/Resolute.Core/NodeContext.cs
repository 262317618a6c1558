using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Resolute;

/// <summary>What a running node knows about its execution.</summary>
public sealed class NodeContext
{
    /// <summary>Creates a context. The engine does this; tests of node functions may too.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="flowName">The flow's name.</param>
    /// <param name="nodeName">The node's name.</param>
    /// <param name="attempt">1 for the first attempt.</param>
    /// <param name="idempotencyKey">Stable across the node's attempts in the run.</param>
    /// <param name="cancellationToken">Fires at the timeout or when the run is cancelled.</param>
    /// <param name="logger">The node's logger; null for none.</param>
    /// <param name="services">
    /// The attempt's services (the engine passes a DI scope opened for the attempt). Null gives an empty provider:
    /// every <c>GetService</c> answers null, so a class-based node with a parameterless constructor still runs in a test.
    /// </param>
    public NodeContext(Guid runId, string flowName, string nodeName, int attempt, string idempotencyKey, CancellationToken cancellationToken, ILogger? logger = null, IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(flowName);
        ArgumentNullException.ThrowIfNull(nodeName);
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        RunId = runId;
        FlowName = flowName;
        NodeName = nodeName;
        Attempt = attempt;
        IdempotencyKey = idempotencyKey;
        CancellationToken = cancellationToken;
        Logger = logger ?? NullLogger.Instance;
        Services = services ?? EmptyServices.Instance;
    }

    /// <summary>The run this execution belongs to.</summary>
    public Guid RunId { get; }

    /// <summary>The flow's name.</summary>
    public string FlowName { get; }

    /// <summary>The node's name.</summary>
    public string NodeName { get; }

    /// <summary>1 for the first attempt, 2 for the first retry, and so on.</summary>
    public int Attempt { get; }

    /// <summary>
    /// Stable across retries and redeliveries of this node in this run: pass it to external systems so that an
    /// at-least-once re-execution does not create a second order, charge, message...
    /// </summary>
    public string IdempotencyKey { get; }

    /// <summary>Fires when the node's timeout passes or the run is cancelled.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>A logger scoped to the run and node.</summary>
    public ILogger Logger { get; }

    /// <summary>
    /// The services of this attempt: on a worker, a dependency-injection scope opened for the attempt and disposed when
    /// it ends (also on failure, timeout or cancellation), so a scoped service — a <c>DbContext</c>, a client from
    /// <c>IHttpClientFactory</c> — lives exactly as long as the attempt. Do not keep it, or anything resolved from it,
    /// beyond the attempt. A context created without services (a unit test) has an empty provider: every
    /// <c>GetService</c> answers null and <c>GetRequiredService</c> throws naming the type.
    /// </summary>
    public IServiceProvider Services { get; }

    /// <summary>The idempotency key the engine gives a node of a run: <c>{runId:N}/{nodeName}</c>.</summary>
    public static string CreateIdempotencyKey(Guid runId, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        return $"{runId:N}/{nodeName}";
    }
}

/// <summary>The provider of a context created without services: it has none.</summary>
internal sealed class EmptyServices : IServiceProvider
{
    public static EmptyServices Instance { get; } = new();

    public object? GetService(Type serviceType) => null;
}
