namespace Resolute;

/// <summary>
/// The flows a process knows, by name. The orchestrator and the workers each hold one (registered through
/// <c>AddResolute(r =&gt; r.AddFlow(...))</c>); nothing is global.
/// </summary>
public sealed class FlowRegistry
{
    /// <summary>The queue nodes run on when neither the node nor its flow names one.</summary>
    public const string DefaultTaskQueue = Contracts.QueueNames.DefaultTaskQueue;

    private readonly Dictionary<string, RegisteredFlow> _flows = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Name, string Version), RegisteredFlow> _versions = [];

    /// <summary>The registered flows, each in its current version (the one new runs follow).</summary>
    public IReadOnlyCollection<RegisteredFlow> Flows => _flows.Values;

    /// <summary>Every registered definition: the current versions and the previous ones kept for runs in flight.</summary>
    public IReadOnlyCollection<RegisteredFlow> AllVersions => _versions.Values;

    /// <summary>Registers <paramref name="flow"/>; its nodes run on <paramref name="taskQueue"/> unless a node names its own queue.</summary>
    /// <exception cref="InvalidOperationException">Another definition with the same name but a different version is registered, or another flow declares one of this flow's shared rate limiters with other settings.</exception>
    public RegisteredFlow Add(Flow flow, string? taskQueue = null)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var queue = string.IsNullOrWhiteSpace(taskQueue) ? DefaultTaskQueue : taskQueue;
        if (_flows.TryGetValue(flow.Name, out var existing))
        {
            if (existing.Flow.Version != flow.Version || existing.TaskQueue != queue)
            {
                throw new InvalidOperationException(
                    $"Flow '{flow.Name}' is registered twice with different definitions (versions {existing.Flow.Version} on queue '{existing.TaskQueue}' and {flow.Version} on queue '{queue}'). Register each flow once per process; to keep an older definition for the runs still following it, register that one with AddPreviousFlowVersion.");
            }

            return existing;
        }

        var registered = AddVersion(flow, queue);
        _flows.Add(flow.Name, registered);
        return registered;
    }

    /// <summary>
    /// Keeps a previous definition of a flow registered beside its current one, so that runs started under it go on
    /// with it (the orchestrator walks their plan, workers run their nodes) while new runs follow the current version.
    /// Register the current version with <see cref="Add"/> too; drop the previous one once none of its runs is in flight.
    /// </summary>
    /// <exception cref="InvalidOperationException">The same version is already registered on another queue, or another flow declares one of its shared rate limiters with other settings.</exception>
    public RegisteredFlow AddPreviousVersion(Flow flow, string? taskQueue = null)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return AddVersion(flow, string.IsNullOrWhiteSpace(taskQueue) ? DefaultTaskQueue : taskQueue);
    }

    private RegisteredFlow AddVersion(Flow flow, string queue)
    {
        if (_versions.TryGetValue((flow.Name, flow.Version), out var existing))
        {
            if (existing.TaskQueue != queue)
            {
                throw new InvalidOperationException(
                    $"Flow '{flow.Name}' version {flow.Version} is registered twice, on queues '{existing.TaskQueue}' and '{queue}'. Register each version once per process.");
            }

            return existing;
        }

        CheckSharedLimiters(flow);
        var registered = new RegisteredFlow(flow, queue);
        _versions.Add((flow.Name, flow.Version), registered);
        return registered;
    }

    /// <summary>A shared limiter is one budget by name across flows, so every flow must declare it alike.</summary>
    private void CheckSharedLimiters(Flow flow)
    {
        foreach (var limiter in flow.Nodes.Select(n => n.SharedRateLimiter).OfType<RateLimiter>())
        {
            foreach (var other in _versions.Values)
            {
                if (other.Flow.Nodes.Select(n => n.SharedRateLimiter).OfType<RateLimiter>()
                        .FirstOrDefault(l => l.Name == limiter.Name && (l.Limit != limiter.Limit || l.Period != limiter.Period)) is { } conflicting)
                {
                    throw new InvalidOperationException(
                        $"Flow '{flow.Name}' declares shared rate limiter '{limiter.Name}' as {limiter}, but flow '{other.Flow.Name}' declares it as {conflicting}. " +
                        "A shared limiter is one budget across flows: create it once with RateLimiter.Shared and use the same value in both flows.");
                }
            }
        }
    }

    /// <summary>Finds a flow by name.</summary>
    public bool TryGet(string name, out RegisteredFlow flow)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _flows.TryGetValue(name, out flow!);
    }

    /// <summary>Finds the definition of a flow at a given version: the current one or a previous one kept registered.</summary>
    public bool TryGet(string name, string version, out RegisteredFlow flow)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(version);
        return _versions.TryGetValue((name, version), out flow!);
    }

    /// <summary>The versions of <paramref name="name"/> registered here, for error messages (current first).</summary>
    public string DescribeVersions(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var versions = _versions.Values.Where(f => f.Flow.Name == name).Select(f => f.Flow.Version)
            .OrderBy(v => _flows.TryGetValue(name, out var current) && current.Flow.Version == v ? 0 : 1)
            .ThenBy(v => v, StringComparer.Ordinal)
            .ToList();
        return versions.Count == 0 ? "none" : string.Join(", ", versions.Select((v, i) => i == 0 && _flows.ContainsKey(name) ? $"{v} (current)" : v));
    }

    /// <summary>The names of the registered flows, for error messages.</summary>
    public string DescribeNames() => _flows.Count == 0 ? "none" : string.Join(", ", _flows.Keys.Order(StringComparer.Ordinal).Select(n => $"'{n}'"));
}

/// <summary>A flow as registered in a process, with the task queue its nodes run on by default.</summary>
/// <param name="Flow">The definition.</param>
/// <param name="TaskQueue">The default queue of its nodes.</param>
public sealed record RegisteredFlow(Flow Flow, string TaskQueue)
{
    /// <summary>The queue <paramref name="node"/> runs on: its own, else the flow's.</summary>
    public string QueueOf(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.TaskQueue ?? TaskQueue;
    }

    /// <summary>Every queue this flow's nodes (compensations included) run on.</summary>
    public IEnumerable<string> Queues => Flow.Nodes.Select(QueueOf).Distinct(StringComparer.Ordinal);
}
