using Resolute.Contracts;

namespace Resolute.Client;

/// <summary>Starts and observes runs. Built on the bus: it publishes <see cref="StartFlow"/> and asks the orchestrator for snapshots.</summary>
public interface IFlowClient
{
    /// <summary>
    /// Starts a run of <paramref name="flowName"/> with <paramref name="input"/> (serialised as JSON) and returns its id.
    /// With <see cref="StartFlowOptions.IdempotencyKey"/>, the same key always returns the same run id and starts one run only.
    /// </summary>
    Task<Guid> StartAsync(string flowName, object? input = null, StartFlowOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>The run's current status, step, state, error and history; null when no such run exists (yet).</summary>
    Task<FlowRunDescription?> GetRunAsync(Guid runId, CancellationToken cancellationToken = default);

    /// <summary>Waits until the run has ended (Completed, Failed, CompensationFailed or Cancelled) and returns it.</summary>
    /// <exception cref="TimeoutException">The run did not end within <paramref name="timeout"/>; the message gives its last status.</exception>
    Task<FlowRunDescription> WaitForCompletionAsync(Guid runId, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks the orchestrator to cancel the run (stop dispatching, compensate completed nodes, end Cancelled) and waits up to
    /// <see cref="FlowClientOptions.CancelConfirmationTimeout"/> for the run to record what it did with the request:
    /// accepted, already cancelling, declined because the run was already failing or compensating (it then ends with its
    /// original error), already ended, or no such run. Awaiting it as a plain <see cref="Task"/> still works.
    /// </summary>
    Task<CancelFlowRunResult> CancelAsync(Guid runId, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pauses the cron schedule of <paramref name="flowName"/> on every orchestrator until <see cref="ResumeScheduleAsync"/>;
    /// the pause is stored with the schedule and survives restarts. Runs already started are not affected.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The orchestrator knows no schedule of that flow.</exception>
    Task<FlowScheduleStatus> PauseScheduleAsync(string flowName, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused schedule. Ticks missed while paused follow the schedule's misfire policy.</summary>
    /// <exception cref="KeyNotFoundException">The orchestrator knows no schedule of that flow.</exception>
    Task<FlowScheduleStatus> ResumeScheduleAsync(string flowName, CancellationToken cancellationToken = default);

    /// <summary>
    /// The schedules of every flow (or only <paramref name="flowName"/>'s): crons, time zones, policies, whether paused,
    /// and the next <paramref name="nextFireTimes"/> fire times.
    /// </summary>
    Task<IReadOnlyList<FlowScheduleStatus>> GetSchedulesAsync(string? flowName = null, int nextFireTimes = 5, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of runs, newest first, filtered by flow, status and creation time (<paramref name="query"/>; every run when
    /// null). Read from an index of the run table, so a page costs the same however many runs are stored; follow
    /// <see cref="FlowRunPage.NextPageToken"/> for the next page.
    /// </summary>
    /// <exception cref="ArgumentException">The limit is out of range (1 to 1,000) or the page token is not one a listing returned.</exception>
    Task<FlowRunPage> ListRunsAsync(FlowRunQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>The flows the orchestrators have registered (current versions), with their triggers and plans, by name.</summary>
    Task<IReadOnlyList<FlowDescription>> GetFlowsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Follows a run as it goes. Subscribes to the run events first, then yields a <see cref="FlowRunEventKind.Snapshot"/>
    /// of the run as stored (null when it does not exist yet), then the run's events as they arrive — node dispatched,
    /// started, completed, failed, retries, compensations — and ends after the event that ends the run (or right after a
    /// snapshot of a run that has already ended). Events of different nodes may arrive out of order; key attempts by
    /// <see cref="FlowRunEvent.ExecutionId"/>. Each watch has its own temporary queue that receives the events of every
    /// run and keeps this run's, so it suits a person or a test following a run, not thousands of watchers.
    /// Stop it with <paramref name="cancellationToken"/> or by leaving the loop.
    /// </summary>
    IAsyncEnumerable<FlowRunEvent> WatchAsync(Guid runId, CancellationToken cancellationToken = default);
}

/// <summary>Options of one <see cref="IFlowClient.StartAsync"/> call.</summary>
public sealed class StartFlowOptions
{
    /// <summary>Makes the start idempotent: the run id is derived from the flow name and this key.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>An explicit run id (ignored when <see cref="IdempotencyKey"/> is set).</summary>
    public Guid? RunId { get; init; }

    /// <summary>A label recorded as the requester. Default <c>client</c>.</summary>
    public string? RequestedBy { get; init; }
}

/// <summary>Settings of the flow client.</summary>
public sealed class FlowClientOptions
{
    /// <summary>The orchestrator's query queue (<c>OrchestratorOptions.QueryQueueName</c>). Default <c>resolute-queries</c>.</summary>
    public string QueryQueueName { get; set; } = QueueNames.Queries;

    /// <summary>The orchestrator's saga queue, where cancellations are sent. Default <c>resolute-orchestrator</c>.</summary>
    public string OrchestratorQueueName { get; set; } = QueueNames.Orchestrator;

    /// <summary>How long a status request may take. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long <see cref="IFlowClient.CancelAsync"/> waits for the run to record the request before it answers
    /// <see cref="CancelFlowRunOutcome.Unconfirmed"/> (or <see cref="CancelFlowRunOutcome.NotFound"/> when no such run
    /// exists). Default 10 s.
    /// </summary>
    public TimeSpan CancelConfirmationTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
