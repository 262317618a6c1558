using Resolute.Contracts;

namespace Resolute.Orchestration;

/// <summary>Settings of the orchestrator role.</summary>
public sealed class OrchestratorOptions
{
    /// <summary>The queue the FlowRunStateMachine saga consumes (start requests, node replies, timers). Default <c>resolute-orchestrator</c>.</summary>
    public string QueueName { get; set; } = QueueNames.Orchestrator;

    /// <summary>The queue run queries (<c>GetFlowRun</c>) are answered on, apart from the saga so reads never wait behind writes. Default <c>resolute-queries</c>.</summary>
    public string QueryQueueName { get; set; } = QueueNames.Queries;

    /// <summary>
    /// Extra time beyond a node's timeout before the orchestrator stops waiting for its reply and counts the attempt
    /// as failed (the worker may have died). Covers time spent waiting in the queue. Default 30 s.
    /// </summary>
    public TimeSpan DeadlineGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an attempt may wait in its task queue, beyond its timeout plus <see cref="DeadlineGrace"/>, before the
    /// orchestrator presumes its command lost, counts the attempt as failed and sends a new one. A worker that starts an
    /// attempt late says so (<c>NodeStarted</c>) and its deadline then counts from that start, so a node that merely waited
    /// behind a backlog is neither failed nor run twice; a worker that takes the command after this limit drops it (the
    /// orchestrator has already sent another). Zero counts every deadline from the dispatch (a command still queued by
    /// then is presumed lost). Null (the default) lets the host choose: 10 minutes on a broker, whose queues keep commands
    /// through restarts (and on an application's own bus, whose transport the host cannot see: set zero if it is in-memory);
    /// zero on the in-memory transport, whose queues die with the process. Must not be negative.
    /// </summary>
    public TimeSpan? QueueWaitLimit { get; set; }

    /// <summary>The <see cref="QueueWaitLimit"/> a host gives an orchestrator on a broker when none is set: 10 minutes.</summary>
    public static TimeSpan BrokerQueueWaitLimit { get; } = TimeSpan.FromMinutes(10);

    /// <summary>The largest node input or output accepted, in bytes of JSON. Default 1 MiB.</summary>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The largest message, in bytes of body, the orchestrator's queues (the saga's and the query queue) take. A larger
    /// one is not read: it goes to the queue's <c>_error</c> queue with the reason, and the queue goes on. A payload
    /// travels as a JSON string inside its message, where escaping can double it, so this must be at least twice
    /// <see cref="MaxPayloadBytes"/> plus 64 KiB: a run input just over <see cref="MaxPayloadBytes"/> then still reaches
    /// the orchestrator and fails its run with <c>PayloadTooLarge</c>. Default 8 MiB.
    /// </summary>
    public int MaxMessageBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// The safety poll of run timers: the longest the timer loop goes without looking for due runs. Timers are met on
    /// time without it — the loop wakes at the earliest timer it knows of, armed after each saga commit and from the
    /// database after each look — so this only bounds how late a timer is found that nobody armed here (written by a
    /// replica that died before it fired, or missed while the database was unreachable). Must be positive. Default 2 s.
    /// </summary>
    public TimeSpan TimerPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many saga messages the orchestrator handles at once. Default 16 (SQLite caps it at 4: one writer at a time).</summary>
    public int ConcurrentMessageLimit { get; set; } = 16;

    /// <summary>
    /// Whether the saga's commands and events go through the transactional outbox (default true): they are stored in the
    /// saga database in the same transaction as the run's state and history, and
    /// sent after the commit — so a crash between commit and send loses nothing, and a rollback sends nothing. False sends
    /// them from memory after the commit (MassTransit's in-memory outbox): faster, but a crash right after the commit
    /// loses them.
    /// </summary>
    public bool UseTransactionalOutbox { get; set; } = true;

    /// <summary>
    /// Whether the saga publishes the node lifecycle events <c>FlowRunNodeDispatched</c> and <c>FlowRunNodeCompleted</c>
    /// (default true), which <c>IFlowClient.WatchAsync</c> and the <c>resolute watch</c> command follow. False saves two
    /// messages per node attempt; runs are unaffected, and a watcher then sees only run-level events and failures.
    /// Workers publish <c>FlowRunNodeStarted</c> under their own <c>WorkerOptions.PublishNodeEvents</c>.
    /// </summary>
    public bool PublishNodeEvents { get; set; } = true;

    /// <summary>Checks the timer settings; called by <c>AddResolute</c> and the timer loop.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="TimerPollInterval"/> is zero or negative, or <see cref="QueueWaitLimit"/> is negative.</exception>
    public void Validate()
    {
        if (TimerPollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(
                nameof(TimerPollInterval),
                TimerPollInterval,
                "OrchestratorOptions.TimerPollInterval (the safety poll of run timers) must be positive, e.g. TimeSpan.FromSeconds(2).");
        }

        if (QueueWaitLimit < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(
                nameof(QueueWaitLimit),
                QueueWaitLimit,
                "OrchestratorOptions.QueueWaitLimit (how long an attempt may wait in its task queue) must not be negative, e.g. TimeSpan.FromMinutes(10), or zero.");
        }
    }
}
