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
}
