using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Resolute;

/// <summary>What a running node knows about its execution.</summary>
public sealed class NodeContext
{
    /// <summary>Creates a context. The engine does this; tests of node functions may too.</summary>
    public NodeContext(Guid runId, string flowName, string nodeName, int attempt, string idempotencyKey, CancellationToken cancellationToken, ILogger? logger = null)
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

    /// <summary>The idempotency key the engine gives a node of a run: <c>{runId:N}/{nodeName}</c>.</summary>
    public static string CreateIdempotencyKey(Guid runId, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        return $"{runId:N}/{nodeName}";
    }
}
