namespace Resolute.Workers;

/// <summary>Settings of the node-worker role.</summary>
public sealed class WorkerOptions
{
    /// <summary>The task queues this worker consumes. Empty = the queues of the registered flows.</summary>
    public List<string> TaskQueues { get; } = [];

    /// <summary>How many node executions run at once in this process, per queue. Default 16.</summary>
    public int ConcurrentNodeLimit { get; set; } = 16;

    /// <summary>This worker's id in run history. Default <c>{machine}/{process id}</c>.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>The largest node output a worker sends back, in bytes of JSON. Default 1 MiB (match the orchestrator).</summary>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The largest message, in bytes of body, the worker's queues (each task queue and its cancellation queue) take. A
    /// larger one is not read: it goes to the queue's <c>_error</c> queue with the reason, and the queue goes on. A node
    /// input travels as a JSON string inside its command, where escaping can double it, so this must be at least twice
    /// <see cref="MaxPayloadBytes"/> plus 64 KiB. Default 8 MiB.
    /// </summary>
    public int MaxMessageBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// How many replies a worker process keeps, by execution id, to answer a command delivered again (a redelivery after a
    /// lost acknowledgement, an outbox row sent twice) without running the node again. Oldest forgotten first. Zero keeps
    /// none. Default 10,000.
    /// </summary>
    public int RememberedExecutions { get; set; } = 10_000;

    /// <summary>
    /// The most bytes of output the kept replies (<see cref="RememberedExecutions"/>) may hold together; oldest forgotten
    /// first, and a reply larger than this is not kept. Default 64 MiB.
    /// </summary>
    public long RememberedReplyBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Whether the worker publishes <c>FlowRunNodeStarted</c> when it starts an attempt (default true), the node lifecycle
    /// event that <c>IFlowClient.WatchAsync</c> and <c>resolute watch</c> show as "running". False saves one message per
    /// attempt; runs are unaffected.
    /// </summary>
    public bool PublishNodeEvents { get; set; } = true;

    /// <summary>
    /// How long a stopping process (SIGTERM, <c>StopApplication</c>) lets the node executions it has already begun run
    /// on. A node that finishes within it completes normally: its reply is sent and its command acknowledged. A node
    /// still running at the deadline sees <see cref="NodeContext.CancellationToken"/> fire; its command is not failed but
    /// handed back to the broker unacknowledged, and another worker runs the same attempt again (at-least-once, same
    /// idempotency key). No new command is taken once the stop began. Default 25 s: inside Kubernetes' default
    /// <c>terminationGracePeriodSeconds</c> of 30 s, with 5 s left for the cancelled nodes to unwind (up to 1 s), hand
    /// their commands back and for the bus to close. Give the pod a grace period of at least this plus 5 s. Zero cancels running nodes at once.
    /// Applies to every consumer of the process (MassTransit's <c>ConsumerStopTimeout</c>); only node executions run
    /// long enough for it to matter.
    /// </summary>
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromSeconds(25);
}
