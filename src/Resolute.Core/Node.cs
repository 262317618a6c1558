using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Serialization;

namespace Resolute;

/// <summary>
/// A unit of work in a flow: a named async function from an input to an output, with its own timeout, retry,
/// rate limit, task queue and compensation. Create nodes with <see cref="Create{TIn,TOut}(string, Func{TIn, NodeContext, Task{TOut}})"/>.
/// Nodes are immutable: every <c>With…</c>/<c>As</c>/<c>OnError</c> returns a new node, so one node value can be
/// shared by several flows safely.
/// </summary>
public abstract class Node
{
    /// <summary>The timeout of a node that does not call <c>WithTimeout</c>: 5 minutes.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    internal Node(NodeSettings settings) => Settings = settings;

    /// <summary>The node's name, unique within a flow. Workers find the node by flow and node name.</summary>
    public string Name => Settings.Name;

    /// <summary>Where the output is stored in <see cref="FlowState"/>: the <c>As()</c> key, else <see cref="Name"/>.</summary>
    public string OutputKey => Settings.OutputKey ?? Settings.Name;

    /// <summary>The input type the node function takes.</summary>
    public abstract Type InputType { get; }

    /// <summary>The output type the node function returns.</summary>
    public abstract Type OutputType { get; }

    /// <summary>The timeout set with <c>WithTimeout</c>, or null for <see cref="DefaultTimeout"/>.</summary>
    public TimeSpan? ConfiguredTimeout => Settings.Timeout;

    /// <summary>The timeout in force: an attempt running longer is cancelled and counts as failed.</summary>
    public TimeSpan Timeout => Settings.Timeout ?? DefaultTimeout;

    /// <summary>The retry policy in force (<see cref="RetryPolicy.Default"/> unless set).</summary>
    public RetryPolicy RetryPolicy => Settings.RetryPolicy ?? RetryPolicy.Default;

    /// <summary>This node's own rate limit, or null.</summary>
    public RateLimit? RateLimit => Settings.RateLimit;

    /// <summary>The shared limiter this node draws from, or null.</summary>
    public RateLimiter? SharedRateLimiter => Settings.SharedRateLimiter;

    /// <summary>The node run to undo this one when the run fails after this node completed, or null.</summary>
    public Node? Compensation => Settings.Compensation;

    /// <summary>
    /// The class run for this node (<see cref="Create{TNode, TIn, TOut}(string)"/>), created per attempt from the
    /// attempt's services; null for a node defined by a function. The definition holds the type only, never an instance.
    /// </summary>
    public Type? ImplementationType => Settings.ImplementationType;

    /// <summary>
    /// True when the node is best-effort (<see cref="Node{TIn, TOut}.ContinueOnError"/>): its final failure does not fail
    /// its step; nothing is stored under its key and the run goes on.
    /// </summary>
    public bool ContinuesOnError => Settings.ContinueOnError;

    /// <summary>The task queue this node runs on, overriding the worker's default queue; null = the default.</summary>
    public string? TaskQueue => Settings.TaskQueue;

    /// <summary>True when the input is computed from <see cref="FlowState"/> (<c>WithInput</c>).</summary>
    public abstract bool HasInputFunction { get; }

    /// <summary>True when a static input was given to <c>Create</c>.</summary>
    public abstract bool HasStaticInput { get; }

    internal NodeSettings Settings { get; }

    /// <summary>Creates a node from a function that takes a <see cref="NodeContext"/>.</summary>
    /// <param name="name">Unique within the flow; used for routing, history and errors.</param>
    /// <param name="function">The work. Honour <see cref="NodeContext.CancellationToken"/>.</param>
    /// <remarks>Preferred over the token-only overload when a lambda fits both.</remarks>
    [OverloadResolutionPriority(1)]
    public static Node<TIn, TOut> Create<TIn, TOut>(string name, Func<TIn, NodeContext, Task<TOut>> function)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(function);
        return new Node<TIn, TOut>(new NodeSettings(name), function, NodeInput<TIn>.FromRun);
    }

    /// <summary>Creates a node with a static input (seed: <c>NewNode(name, fn, input)</c>).</summary>
    [OverloadResolutionPriority(1)]
    public static Node<TIn, TOut> Create<TIn, TOut>(string name, Func<TIn, NodeContext, Task<TOut>> function, TIn input)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(function);
        return new Node<TIn, TOut>(new NodeSettings(name), function, NodeInput<TIn>.Static(input));
    }

    /// <summary>Creates a node from a function that needs only a cancellation token.</summary>
    public static Node<TIn, TOut> Create<TIn, TOut>(string name, Func<TIn, CancellationToken, Task<TOut>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Create<TIn, TOut>(name, (input, context) => function(input, context.CancellationToken));
    }

    /// <summary>Creates a node with a static input from a function that needs only a cancellation token.</summary>
    public static Node<TIn, TOut> Create<TIn, TOut>(string name, Func<TIn, CancellationToken, Task<TOut>> function, TIn input)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Create<TIn, TOut>(name, (i, context) => function(i, context.CancellationToken), input);
    }

    /// <summary>
    /// Creates a node whose work is the class <typeparamref name="TNode"/>, resolved per attempt from a dependency-injection
    /// scope the worker opens for the attempt and disposes when it ends. <typeparamref name="TNode"/> need not be
    /// registered: an unregistered class is created with <c>ActivatorUtilities</c> (its constructor parameters come from
    /// the scope) and disposed after the attempt if it is disposable; a registered one follows its DI lifetime.
    /// A constructor dependency that cannot be resolved fails the attempt, without retry, with the error type
    /// <c>Resolute.NodeActivationFailed</c> naming the class and the missing service.
    /// </summary>
    /// <typeparam name="TNode">The class (or a registered service type) implementing <see cref="INode{TIn, TOut}"/>.</typeparam>
    /// <typeparam name="TIn">The input type, as in <see cref="INode{TIn, TOut}"/>; the compiler checks the pair.</typeparam>
    /// <typeparam name="TOut">The output type, as in <see cref="INode{TIn, TOut}"/>.</typeparam>
    /// <param name="name">Unique within the flow; used for routing, history and errors.</param>
    /// <remarks>
    /// C# cannot infer <typeparamref name="TIn"/> and <typeparamref name="TOut"/> from the constraint, so all three type
    /// arguments are named: <c>Node.Create&lt;PlaceOrder, OrderInput, OrderPlaced&gt;("place-order")</c>. The result is an
    /// ordinary <see cref="Node{TIn, TOut}"/> (<c>WithInput</c>, <c>WithRetry</c>, <c>OnError</c>, ... apply), and it can be
    /// the compensation of another node. The flow keeps only the type, so an orchestrator needs none of the node's services.
    /// </remarks>
    public static Node<TIn, TOut> Create<TNode, TIn, TOut>(string name)
        where TNode : class, INode<TIn, TOut>
    {
        ArgumentNullException.ThrowIfNull(name);
        return new Node<TIn, TOut>(new NodeSettings(name) { ImplementationType = typeof(TNode) }, ServiceNode<TNode, TIn, TOut>.Function, NodeInput<TIn>.FromRun);
    }

    /// <summary>Creates a class-based node (see <see cref="Create{TNode, TIn, TOut}(string)"/>) with a static input.</summary>
    public static Node<TIn, TOut> Create<TNode, TIn, TOut>(string name, TIn input)
        where TNode : class, INode<TIn, TOut>
    {
        ArgumentNullException.ThrowIfNull(name);
        return new Node<TIn, TOut>(new NodeSettings(name) { ImplementationType = typeof(TNode) }, ServiceNode<TNode, TIn, TOut>.Function, NodeInput<TIn>.Static(input));
    }

    /// <summary>
    /// The input for an execution of this node, computed when it is dispatched: <c>WithInput(state)</c> if set,
    /// else the static input, else the run input read as <see cref="InputType"/>.
    /// </summary>
    /// <exception cref="FlowStateException">The input function read a missing key, or the run input has another shape.</exception>
    public abstract object? ResolveInput(FlowState state);

    /// <summary>Runs the node function once. <paramref name="input"/> must be an <see cref="InputType"/> (or null).</summary>
    public abstract Task<object?> ExecuteAsync(object? input, NodeContext context);

    /// <summary>A one-line description for plans: name, key, types and settings that differ from the defaults.</summary>
    public string Describe()
    {
        var text = Name;
        if (OutputKey != Name)
        {
            text += $" -> '{OutputKey}'";
        }

        text += $" ({ResoluteJson.DisplayName(InputType)} -> {ResoluteJson.DisplayName(OutputType)})";
        var settings = new List<string>();
        if (ImplementationType is { } implementation)
        {
            settings.Add($"class {implementation.Name}");
        }

        if (Settings.Timeout is { } timeout)
        {
            settings.Add($"timeout {Durations.Format(timeout)}");
        }

        if (Settings.RetryPolicy is { } retry)
        {
            settings.Add($"retry {retry.Describe()}");
        }

        if (RateLimit is { } limit)
        {
            settings.Add($"rate {limit}");
        }

        if (SharedRateLimiter is { } shared)
        {
            settings.Add($"shared rate '{shared}'");
        }

        if (TaskQueue is { } queue)
        {
            settings.Add($"queue '{queue}'");
        }

        if (Compensation is { } compensation)
        {
            settings.Add($"on error -> {compensation.Name}");
        }

        if (ContinuesOnError)
        {
            settings.Add("best-effort");
        }

        return settings.Count == 0 ? text : $"{text} [{string.Join(", ", settings)}]";
    }

    /// <inheritdoc />
    public override string ToString() => Describe();

    /// <summary>Problems with this node's own settings, each prefixed by <paramref name="where"/>.</summary>
    internal IEnumerable<string> Validate(string where)
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return $"{where}: node name is empty; give every node a unique, non-empty name.";
        }

        if (Settings.OutputKey is { } key && string.IsNullOrWhiteSpace(key))
        {
            yield return $"{where}: As(...) key is empty; pass a non-empty key or drop As to use the node name.";
        }

        if (Settings.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            yield return $"{where}: timeout is {timeout}; WithTimeout needs a positive duration.";
        }

        if (Settings.RetryPolicy is { } retry)
        {
            foreach (var problem in retry.Validate())
            {
                yield return $"{where}: {problem}";
            }
        }

        if (RateLimit is { } limit)
        {
            if (limit.Limit <= 0)
            {
                yield return $"{where}: rate limit is {limit.Limit} per period; WithRateLimit needs a positive count.";
            }

            if (limit.Period <= TimeSpan.Zero)
            {
                yield return $"{where}: rate limit period is {limit.Period}; WithRateLimit needs a positive period.";
            }
            else if (limit.Limit > 0)
            {
                foreach (var problem in RateLimiter.RangeProblems("WithRateLimit", limit.Limit, limit.Period))
                {
                    yield return $"{where}: {problem}";
                }
            }
        }

        if (SharedRateLimiter is { } shared)
        {
            if (string.IsNullOrWhiteSpace(shared.Name))
            {
                yield return $"{where}: shared rate limiter has an empty name.";
            }

            if (shared.Limit <= 0)
            {
                yield return $"{where}: shared rate limiter '{shared.Name}' allows {shared.Limit} per period; the limit must be positive.";
            }

            if (shared.Period <= TimeSpan.Zero)
            {
                yield return $"{where}: shared rate limiter '{shared.Name}' has period {shared.Period}; the period must be positive.";
            }
            else if (shared.Limit > 0)
            {
                foreach (var problem in RateLimiter.RangeProblems($"shared rate limiter '{shared.Name}'", shared.Limit, shared.Period))
                {
                    yield return $"{where}: {problem}";
                }
            }

            if (shared.Name.Length > RateLimiter.MaxNameLength)
            {
                yield return $"{where}: shared rate limiter name is {shared.Name.Length} characters; at most {RateLimiter.MaxNameLength} are allowed.";
            }

            if (RateLimit is not null)
            {
                yield return $"{where}: has both WithRateLimit and WithSharedRateLimit('{shared.Name}'); a node draws from one limiter. " +
                             "Keep the shared one (and lower its limit if the node needs less), or drop it and keep the node's own.";
            }
        }

        if (TaskQueue is { } queue && string.IsNullOrWhiteSpace(queue))
        {
            yield return $"{where}: task queue is empty; pass a queue name to WithTaskQueue or drop it to use the worker's queue.";
        }
    }

    internal sealed record NodeSettings(string Name)
    {
        public string? OutputKey { get; init; }

        public TimeSpan? Timeout { get; init; }

        public RetryPolicy? RetryPolicy { get; init; }

        public RateLimit? RateLimit { get; init; }

        public RateLimiter? SharedRateLimiter { get; init; }

        public Node? Compensation { get; init; }

        public string? TaskQueue { get; init; }

        public bool ContinueOnError { get; init; }

        public Type? ImplementationType { get; init; }
    }
}

/// <summary>A node taking <typeparamref name="TIn"/> and producing <typeparamref name="TOut"/>.</summary>
/// <typeparam name="TIn">The input type; serialised as JSON to the worker.</typeparam>
/// <typeparam name="TOut">The output type; serialised as JSON into <see cref="FlowState"/>.</typeparam>
public sealed class Node<TIn, TOut> : Node
{
    private readonly Func<TIn, NodeContext, Task<TOut>> _function;
    private readonly NodeInput<TIn> _input;

    internal Node(NodeSettings settings, Func<TIn, NodeContext, Task<TOut>> function, NodeInput<TIn> input)
        : base(settings)
    {
        _function = function;
        _input = input;
    }

    /// <inheritdoc />
    public override Type InputType => typeof(TIn);

    /// <inheritdoc />
    public override Type OutputType => typeof(TOut);

    /// <inheritdoc />
    public override bool HasInputFunction => _input.Function is not null;

    /// <inheritdoc />
    public override bool HasStaticInput => _input.HasStatic;

    /// <summary>Stores the output under <paramref name="key"/> instead of the node name.</summary>
    public Node<TIn, TOut> As(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return With(Settings with { OutputKey = key });
    }

    /// <summary>Computes the input from the run's state when the node is dispatched (seed: <c>WithInputFunc</c>).</summary>
    /// <remarks>Runs on the orchestrator. An exception fails the node at once (no retry) and starts compensation.</remarks>
    public Node<TIn, TOut> WithInput(Func<FlowState, TIn> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new Node<TIn, TOut>(Settings, _function, NodeInput<TIn>.Computed(input));
    }

    /// <summary>Cancels an attempt that runs longer than <paramref name="timeout"/>; the attempt counts as failed.</summary>
    public Node<TIn, TOut> WithTimeout(TimeSpan timeout) => With(Settings with { Timeout = timeout });

    /// <summary>Retries failed attempts as <paramref name="policy"/> says.</summary>
    public Node<TIn, TOut> WithRetry(RetryPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return With(Settings with { RetryPolicy = policy });
    }

    /// <summary>At most <paramref name="limit"/> executions of this node per <paramref name="period"/>, across all workers.</summary>
    public Node<TIn, TOut> WithRateLimit(int limit, TimeSpan period) => With(Settings with { RateLimit = new RateLimit(limit, period) });

    /// <summary>Draws executions from a limiter shared with other nodes (seed: <c>WithSharedRateLimit</c>).</summary>
    public Node<TIn, TOut> WithSharedRateLimit(RateLimiter limiter)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        return With(Settings with { SharedRateLimiter = limiter });
    }

    /// <summary>
    /// Runs <paramref name="compensation"/> if the run fails after this node completed. The compensation reads the
    /// state including this node's output, so it can undo exactly what this node did.
    /// </summary>
    public Node<TIn, TOut> OnError(Node compensation)
    {
        ArgumentNullException.ThrowIfNull(compensation);
        return With(Settings with { Compensation = compensation });
    }

    /// <summary>
    /// Makes the node best-effort (the seed's "partial success acceptable"): when its last attempt fails — or its input
    /// cannot be computed — its step does not fail. The error is recorded in the run's history and published as
    /// <c>FlowRunNodeFailed</c> with <c>ContinuesRun = true</c>; nothing is stored under its key, its siblings and the
    /// later steps go on, and a later node reads its output with <see cref="FlowState.TryGet{T}"/> or
    /// <see cref="FlowState.GetOrDefault{T}"/>. A best-effort node that failed is never compensated (it did not complete);
    /// one that completed is compensated like any other.
    /// </summary>
    public Node<TIn, TOut> ContinueOnError() => With(Settings with { ContinueOnError = true });

    /// <summary>Runs this node on workers of <paramref name="taskQueue"/> instead of the worker's default queue.</summary>
    public Node<TIn, TOut> WithTaskQueue(string taskQueue)
    {
        ArgumentNullException.ThrowIfNull(taskQueue);
        return With(Settings with { TaskQueue = taskQueue });
    }

    /// <inheritdoc />
    public override object? ResolveInput(FlowState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_input.Function is { } function)
        {
            return function(state);
        }

        return _input.HasStatic ? _input.StaticValue : state.GetInput<TIn>();
    }

    /// <inheritdoc />
    public override async Task<object?> ExecuteAsync(object? input, NodeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (input is not null and not TIn)
        {
            throw new ArgumentException($"Node '{Name}' takes a {ResoluteJson.DisplayName(typeof(TIn))}, not a {input.GetType().Name}.", nameof(input));
        }

        // Null reads as default(TIn), as a missing run input does in ResolveInput (unboxing null would throw for a value type).
        var typed = input is null ? default! : (TIn)input;
        var result = await _function(typed, context).ConfigureAwait(false);
        return result;
    }

    private Node<TIn, TOut> With(NodeSettings settings) => new(settings, _function, _input);
}

/// <summary>Where a node's input comes from.</summary>
internal sealed class NodeInput<TIn>
{
    private NodeInput(bool hasStatic, TIn? staticValue, Func<FlowState, TIn>? function)
    {
        HasStatic = hasStatic;
        StaticValue = staticValue;
        Function = function;
    }

    public static NodeInput<TIn> FromRun { get; } = new(false, default, null);

    public bool HasStatic { get; }

    public TIn? StaticValue { get; }

    public Func<FlowState, TIn>? Function { get; }

    public static NodeInput<TIn> Static(TIn value) => new(true, value, null);

    public static NodeInput<TIn> Computed(Func<FlowState, TIn> function) => new(false, default, function);
}

/// <summary>The function of a class-based node: create <typeparamref name="TNode"/> from the attempt's services, run it.</summary>
internal static class ServiceNode<TNode, TIn, TOut>
    where TNode : class, INode<TIn, TOut>
{
    /// <summary>One delegate per closed type; it captures nothing, so a flow holds no instance and no provider.</summary>
    public static Func<TIn, NodeContext, Task<TOut>> Function { get; } = ExecuteAsync;

    private static async Task<TOut> ExecuteAsync(TIn input, NodeContext context)
    {
        var (node, owned) = Activate(context);
        try
        {
            return await node.ExecuteAsync(input, context).ConfigureAwait(false);
        }
        finally
        {
            // A registered node belongs to its container (the attempt's scope disposes it); one we created is ours.
            if (owned)
            {
                switch (node)
                {
                    case IAsyncDisposable asyncDisposable:
                        await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
        }
    }

    private static (TNode Node, bool Owned) Activate(NodeContext context)
    {
        try
        {
            if (context.Services.GetService(typeof(TNode)) is TNode registered)
            {
                return (registered, false);
            }

            return (ActivatorUtilities.CreateInstance<TNode>(context.Services), true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new NodeActivationException(context.NodeName, typeof(TNode), e);
        }
    }
}
