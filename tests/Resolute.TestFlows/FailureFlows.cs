using System.Globalization;

namespace Resolute.TestFlows;

/// <summary>
/// What one node of a failure flow does, read from the run input (so it is the same in every process and every
/// attempt): sleep <see cref="DelayMs"/>, or wait for its token on the first <see cref="HangAttempts"/> attempts; then
/// fail the first <see cref="FailAttempts"/> attempts with a <see cref="Failure"/> error. Attempts are counted with
/// <see cref="NodeContext.Attempt"/>, never with process-local state.
/// </summary>
/// <param name="DelayMs">Milliseconds to sleep (token honoured) before completing or failing.</param>
/// <param name="FailAttempts">Attempts 1..N fail; 0 = never, a large number = always.</param>
/// <param name="Failure">One of <see cref="Transient"/>, <see cref="Permanent"/>, <see cref="NonRetryable"/>.</param>
/// <param name="HangAttempts">Attempts 1..N wait until their token fires (timeout or run cancellation).</param>
public sealed record NodeScript(int DelayMs = 0, int FailAttempts = 0, string Failure = NodeScript.Transient, int HangAttempts = 0)
{
    /// <summary>Throw <see cref="ScriptedTransientException"/>: retried by every failure flow's policy.</summary>
    public const string Transient = "transient";

    /// <summary>Throw <see cref="ScriptedPermanentException"/>: listed in the failure flows' <c>NonRetryableErrors</c>.</summary>
    public const string Permanent = "permanent";

    /// <summary>Throw <see cref="NonRetryableException"/>.</summary>
    public const string NonRetryable = "non-retryable";
}

/// <summary>Run input of every failure flow: an id (used in references and error messages) and a script per node name.</summary>
/// <param name="Id">The run's business id, e.g. an order id.</param>
/// <param name="Nodes">What each node does, by node name; nodes not listed complete at once.</param>
public sealed record FailureScript(string Id, IReadOnlyDictionary<string, NodeScript> Nodes)
{
    /// <summary>The script of <paramref name="node"/> (or "complete at once").</summary>
    public NodeScript For(string node) => Nodes.TryGetValue(node, out var script) ? script : new NodeScript();

    /// <summary>The message a scripted failure of <paramref name="node"/> at <paramref name="attempt"/> carries.</summary>
    public string FailureMessage(string node, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{node} failed on attempt {attempt} for {Id} (scripted)");
}

/// <summary>Output of a forward node: what it created.</summary>
public sealed record Created(string Node, string Reference, int Attempt);

/// <summary>Input of a compensation: the output of the node it compensates, read from FlowState, and the run's script.</summary>
public sealed record UndoRequest(Created Received, FailureScript Script);

/// <summary>What an aggregating node found: the references of the outputs present.</summary>
public sealed record Aggregated(IReadOnlyList<string> References);

/// <summary>Output of a compensation: echoes what it received.</summary>
public sealed record Undone(string Compensation, Created Received);

/// <summary>A scripted retryable failure.</summary>
public sealed class ScriptedTransientException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ScriptedTransientException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ScriptedTransientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ScriptedTransientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A scripted failure of a type the failure flows list in <see cref="RetryPolicy.NonRetryableErrors"/>.</summary>
public sealed class ScriptedPermanentException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ScriptedPermanentException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ScriptedPermanentException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ScriptedPermanentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The scripted nodes. Each prints probe lines on its process's stdout (<c>FAILURE-PROBE {runId:N} {node} #{attempt}
/// {what} {detail}</c>) — <c>started</c>, <c>token-fired</c>, <c>received</c> — which the test harness captures per process,
/// so a scenario can see where a node runs, that its token fired, and what a compensation received.
/// </summary>
public static class ScriptedNodes
{
    /// <summary>The prefix of probe lines.</summary>
    public const string ProbePrefix = "FAILURE-PROBE";

    /// <summary>A forward node creating <c>{prefix}-{Id}</c>, taking the run input.</summary>
    public static Node<FailureScript, Created> Create(string name, string prefix) =>
        Node.Create<FailureScript, Created>(name, (FailureScript script, NodeContext context) =>
            RunAsync(script, context, () => new Created(name, $"{prefix}-{script.Id}", context.Attempt)));

    /// <summary>A compensation of <paramref name="forNode"/>: its input is that node's output from FlowState.</summary>
    public static Node<UndoRequest, Undone> Undo(string name, string forNode) =>
        Node.Create<UndoRequest, Undone>(name, (UndoRequest request, NodeContext context) =>
            {
                Probe(context, "received", request.Received.ToString());
                return RunAsync(request.Script, context, () => new Undone(name, request.Received));
            })
            .WithInput(state => new UndoRequest(state.Get<Created>(forNode), state.GetInput<FailureScript>()!));

    /// <summary>
    /// An aggregating node that reads the outputs of <paramref name="keys"/> that are present (best-effort siblings may
    /// have stored nothing) and lists their references.
    /// </summary>
    public static Node<Aggregated, Aggregated> Aggregate(string name, params string[] keys) =>
        Node.Create<Aggregated, Aggregated>(name, (Aggregated found, NodeContext context) =>
            {
                Probe(context, "received", string.Join(",", found.References));
                return Task.FromResult(found);
            })
            .WithInput(state => new Aggregated(keys.Select(k => state.GetOrDefault<Created>(k)?.Reference).OfType<string>().ToList()));

    /// <summary>Writes a probe line.</summary>
    public static void Probe(NodeContext context, string what, string detail = "")
    {
        ArgumentNullException.ThrowIfNull(context);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ProbePrefix} {context.RunId:N} {context.NodeName} #{context.Attempt} {what} {detail}").TrimEnd());
    }

    private static async Task<T> RunAsync<T>(FailureScript script, NodeContext context, Func<T> result)
    {
        var step = script.For(context.NodeName);
        Probe(context, "started");
        try
        {
            if (context.Attempt <= step.HangAttempts)
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken).ConfigureAwait(false);
            }
            else if (step.DelayMs > 0)
            {
                await Task.Delay(step.DelayMs, context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            Probe(context, "token-fired");
            throw;
        }

        if (context.Attempt <= step.FailAttempts)
        {
            Fail(step.Failure, script.FailureMessage(context.NodeName, context.Attempt));
        }

        return result();
    }

    private static void Fail(string kind, string message) => throw kind switch
    {
        NodeScript.Transient => new ScriptedTransientException(message),
        NodeScript.Permanent => new ScriptedPermanentException(message),
        NodeScript.NonRetryable => new NonRetryableException(message),
        _ => new ArgumentException($"Unknown scripted failure '{kind}'.", nameof(kind)),
    };
}

/// <summary>Flows of the failure-semantics scenarios (retries, timeouts, compensation, cancellation).</summary>
public static class FailureFlows
{
    /// <summary>The task queue of <see cref="WorkerCrash"/>'s node: only the crash scenario's "victim" worker consumes it at first.</summary>
    public const string CrashQueue = "failures-crash";

    /// <summary>Quick retries: 100 ms apart, 3 attempts, <see cref="ScriptedPermanentException"/> never retried.</summary>
    public static RetryPolicy QuickRetry { get; } = new()
    {
        InitialInterval = TimeSpan.FromMilliseconds(100),
        BackoffCoefficient = 1.0,
        MaximumAttempts = 3,
        NonRetryableErrors = [typeof(ScriptedPermanentException)],
    };

    /// <summary>
    /// The seed's "fulfill-order" with scripted nodes: <c>create-order</c>, <c>create-invoice</c>, <c>create-shipment</c>
    /// in parallel (step <c>create-all</c>), compensated by <c>cancel-order</c>, <c>void-invoice</c>, <c>cancel-shipment</c>;
    /// then <c>notify-customer</c>.
    /// </summary>
    public static Flow FulfillOrder { get; } = Flow.Create("failing-fulfill-order")
        .TriggeredBy(Trigger.Manual("api"))
        .ThenParallel(
            "create-all",
            ScriptedNodes.Create("create-order", "ord").WithRetry(QuickRetry).OnError(ScriptedNodes.Undo("cancel-order", "create-order").WithRetry(QuickRetry)),
            ScriptedNodes.Create("create-invoice", "inv").WithRetry(QuickRetry).OnError(ScriptedNodes.Undo("void-invoice", "create-invoice").WithRetry(QuickRetry)),
            ScriptedNodes.Create("create-shipment", "shp").WithRetry(QuickRetry).OnError(ScriptedNodes.Undo("cancel-shipment", "create-shipment").WithRetry(QuickRetry)))
        .Then(ScriptedNodes.Create("notify-customer", "msg").WithRetry(QuickRetry))
        .Build();

    /// <summary>A sequential saga: <c>saga-1</c> … <c>saga-4</c>, one step each, compensated by <c>undo-1</c> … <c>undo-4</c>.</summary>
    public static Flow SequentialSaga { get; } = Enumerable.Range(1, 4)
        .Aggregate(
            Flow.Create("failing-sequential-saga").TriggeredBy(Trigger.Manual("api")),
            (flow, i) => flow.Then(ScriptedNodes.Create($"saga-{i}", $"res{i}").WithRetry(QuickRetry)
                .OnError(ScriptedNodes.Undo($"undo-{i}", $"saga-{i}").WithRetry(QuickRetry))))
        .Build();

    /// <summary>One node <c>flaky</c> with the brief's back-off: 1 s, ×2, 3 attempts.</summary>
    public static Flow Backoff { get; } = Single("retry-backoff", ScriptedNodes.Create("flaky", "ok").WithRetry(new RetryPolicy
    {
        InitialInterval = TimeSpan.FromSeconds(1),
        BackoffCoefficient = 2.0,
        MaximumAttempts = 3,
    }));

    /// <summary>One node <c>flaky</c>: 4 attempts 100 ms apart; <see cref="ScriptedPermanentException"/> is non-retryable.</summary>
    public static Flow QuickRetries { get; } = Single("retry-quick", ScriptedNodes.Create("flaky", "ok").WithRetry(QuickRetry with { MaximumAttempts = 4 }));

    /// <summary>
    /// One node <c>flaky</c>: 2 attempts, 8 s apart (the orchestrator is killed and replaced during the wait; 8 s, not
    /// 5 s, so that a replacement orchestrator starting in 5 s on a loaded 2-core machine is still back in time).
    /// </summary>
    public static Flow LongBackoff { get; } = Single("retry-long-backoff", ScriptedNodes.Create("flaky", "ok").WithRetry(new RetryPolicy
    {
        InitialInterval = TimeSpan.FromSeconds(8),
        MaximumAttempts = 2,
    }));

    /// <summary>One node <c>slow</c> with a 1 s timeout, retried after 200 ms, 3 attempts.</summary>
    public static Flow NodeTimeout { get; } = Single("node-timeout", ScriptedNodes.Create("slow", "ok")
        .WithTimeout(TimeSpan.FromSeconds(1))
        .WithRetry(QuickRetry with { InitialInterval = TimeSpan.FromMilliseconds(200) }));

    /// <summary>One node <c>crash-prone</c> on <see cref="CrashQueue"/> with a 10 s timeout, retried after 200 ms, 3 attempts.</summary>
    public static Flow WorkerCrash { get; } = Single("worker-crash", ScriptedNodes.Create("crash-prone", "ok")
        .WithTaskQueue(CrashQueue)
        .WithTimeout(TimeSpan.FromSeconds(10))
        .WithRetry(QuickRetry with { InitialInterval = TimeSpan.FromMilliseconds(200) }));

    /// <summary>
    /// A trip: <c>book-flight</c>, <c>book-hotel</c> (compensated by <c>cancel-flight</c>, <c>cancel-hotel</c>), then
    /// <c>charge-card</c> (compensated by <c>refund-card</c>, 60 s timeout), then <c>send-confirmation</c>.
    /// </summary>
    public static Flow CancellableTrip { get; } = Flow.Create("cancellable-trip")
        .TriggeredBy(Trigger.Manual("api"))
        .Then(ScriptedNodes.Create("book-flight", "flt").WithRetry(QuickRetry).OnError(ScriptedNodes.Undo("cancel-flight", "book-flight").WithRetry(QuickRetry)))
        .Then(ScriptedNodes.Create("book-hotel", "htl").WithRetry(QuickRetry).OnError(ScriptedNodes.Undo("cancel-hotel", "book-hotel").WithRetry(QuickRetry)))
        .Then(ScriptedNodes.Create("charge-card", "chg").WithTimeout(TimeSpan.FromSeconds(60)).WithRetry(QuickRetry)
            .OnError(ScriptedNodes.Undo("refund-card", "charge-card").WithRetry(QuickRetry)))
        .Then(ScriptedNodes.Create("send-confirmation", "cnf").WithRetry(QuickRetry))
        .Build();

    /// <summary>
    /// The seed's "partial success acceptable": <c>fetch</c>, then <c>enrich-a</c>, <c>enrich-b</c>, <c>enrich-c</c> in
    /// parallel, each best-effort (<c>ContinueOnError</c>, quick retries), then <c>aggregate</c>, which lists what it found.
    /// </summary>
    public static Flow BestEffort { get; } = Flow.Create("best-effort-enrichment")
        .TriggeredBy(Trigger.Manual("api"))
        .Then(ScriptedNodes.Create("fetch", "fch").WithRetry(QuickRetry))
        .ThenParallel(
            "enrich",
            ScriptedNodes.Create("enrich-a", "a").WithRetry(QuickRetry).ContinueOnError(),
            ScriptedNodes.Create("enrich-b", "b").WithRetry(QuickRetry).ContinueOnError(),
            ScriptedNodes.Create("enrich-c", "c").WithRetry(QuickRetry).ContinueOnError())
        .Then(ScriptedNodes.Aggregate("aggregate", "enrich-a", "enrich-b", "enrich-c"))
        .Build();

    /// <summary>Every failure flow; registered by <see cref="TestFlowCatalog"/>.</summary>
    public static IReadOnlyList<Flow> All { get; } = [FulfillOrder, SequentialSaga, Backoff, QuickRetries, LongBackoff, NodeTimeout, WorkerCrash, CancellableTrip, BestEffort];

    private static Flow Single(string name, Node node) => Flow.Create(name).TriggeredBy(Trigger.Manual("api")).Then(node).Build();
}
