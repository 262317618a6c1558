using System.Text.Json;
using MassTransit;
using Resolute.Contracts;
using Resolute.Diagnostics;
using Resolute.Serialization;

namespace Resolute.Client;

/// <summary>The <see cref="IFlowClient"/> over MassTransit: publishes starts, requests snapshots from the orchestrator's query queue.</summary>
public sealed class BusFlowClient : IFlowClient
{
    private readonly IBus _bus;
    private readonly FlowClientOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the client.</summary>
    public BusFlowClient(IBus bus, FlowClientOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _bus = bus;
        _options = options;
        _time = time;
    }

    /// <inheritdoc />
    public async Task<Guid> StartAsync(string flowName, object? input = null, StartFlowOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(flowName);
        var runId = options?.IdempotencyKey is { } key
            ? RunIds.FromIdempotencyKey(flowName, key)
            : options?.RunId ?? NewId.NextGuid();
        var inputJson = input switch
        {
            null => null,
            JsonElement element => element.GetRawText(),
            _ => JsonSerializer.Serialize(input, input.GetType(), ResoluteJson.Options),
        };
        // The run's trace begins here (under the caller's current span, if any).
        using var span = ResoluteTelemetry.StartRequestSpan("start", flowName, runId);
        await _bus.Publish(new StartFlow
        {
            RunId = runId,
            FlowName = flowName,
            InputJson = inputJson,
            IdempotencyKey = options?.IdempotencyKey,
            RequestedAt = _time.GetUtcNow(),
            RequestedBy = options?.RequestedBy ?? "client",
        }, context =>
        {
            if (span is not null)
            {
                context.Headers.Set(ResoluteTelemetry.MassTransitActivityHeader, span.Id);
            }
        }, cancellationToken).ConfigureAwait(false);
        return runId;
    }

    /// <inheritdoc />
    public async Task<FlowRunDescription?> GetRunAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        var client = _bus.CreateRequestClient<GetFlowRun>(QueueNames.Address(_options.QueryQueueName), RequestTimeout.After(ms: (int)_options.RequestTimeout.TotalMilliseconds));
        var response = await client.GetResponse<FlowRunSnapshot, FlowRunNotFound>(new GetFlowRun { RunId = runId }, cancellationToken).ConfigureAwait(false);
        return response.Is(out Response<FlowRunSnapshot>? found) ? new FlowRunDescription(found!.Message) : null;
    }

    /// <inheritdoc />
    public async Task<FlowRunDescription> WaitForCompletionAsync(Guid runId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = _time.GetUtcNow() + timeout;
        var delay = TimeSpan.FromMilliseconds(25);
        FlowRunDescription? last = null;
        while (true)
        {
            last = await GetRunAsync(runId, cancellationToken).ConfigureAwait(false) ?? last;
            if (last is { HasEnded: true })
            {
                return last;
            }

            var remaining = deadline - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException(last is null
                    ? $"Run {runId} was not found within {timeout}. Is an orchestrator running, and was the run started?"
                    : $"Run {runId} did not end within {timeout}; it is {last.Status}{(last.CurrentStep is null ? "" : $" at step '{last.CurrentStep}'")}.");
            }

            await Task.Delay(remaining < delay ? remaining : delay, _time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }

    /// <inheritdoc />
    public async Task<FlowRunPage> ListRunsAsync(FlowRunQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new FlowRunQuery();
        if (query.Limit is < 1 or > ListFlowRuns.MaximumLimit)
        {
            throw new ArgumentException($"Limit {query.Limit} is out of range: ask for 1 to {ListFlowRuns.MaximumLimit} runs a page and follow NextPageToken for more.", nameof(query));
        }

        var client = _bus.CreateRequestClient<ListFlowRuns>(QueueNames.Address(_options.QueryQueueName), RequestTimeout.After(ms: (int)_options.RequestTimeout.TotalMilliseconds));
        var response = await client.GetResponse<FlowRunList, ListFlowRunsRejected>(query.ToRequest(), cancellationToken).ConfigureAwait(false);
        if (response.Is(out Response<FlowRunList>? list))
        {
            return new FlowRunPage(list!.Message.Runs, list.Message.ContinuationToken);
        }

        response.Is(out Response<ListFlowRunsRejected>? rejected);
        throw new ArgumentException(rejected!.Message.Reason, nameof(query));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<FlowDescription>> GetFlowsAsync(CancellationToken cancellationToken = default)
    {
        var client = _bus.CreateRequestClient<GetFlows>(QueueNames.Address(_options.QueryQueueName), RequestTimeout.After(ms: (int)_options.RequestTimeout.TotalMilliseconds));
        var response = await client.GetResponse<FlowList>(new GetFlows(), cancellationToken).ConfigureAwait(false);
        return response.Message.Flows;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<FlowRunEvent> WatchAsync(Guid runId, CancellationToken cancellationToken = default) =>
        FlowRunWatch.RunAsync(_bus, this, _time, runId, cancellationToken);

    /// <inheritdoc />
    public async Task<CancelFlowRunResult> CancelAsync(Guid runId, string? reason = null, CancellationToken cancellationToken = default)
    {
        var requestId = NewId.NextGuid();
        var endpoint = await _bus.GetSendEndpoint(QueueNames.Address(_options.OrchestratorQueueName)).ConfigureAwait(false);
        await endpoint.Send(new CancelFlowRun { RunId = runId, Reason = reason, RequestedAt = _time.GetUtcNow(), RequestId = requestId }, cancellationToken).ConfigureAwait(false);

        // The run records what it did with the request under its id; a run that ended (or never existed) records nothing.
        var deadline = _time.GetUtcNow() + _options.CancelConfirmationTimeout;
        var delay = TimeSpan.FromMilliseconds(20);
        FlowRunDescription? last = null;
        while (true)
        {
            last = await GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            if (last?.Snapshot.CancelRequests.LastOrDefault(r => r.RequestId == requestId) is { } record)
            {
                var outcome = record.Outcome switch
                {
                    CancelRequestOutcome.Accepted => CancelFlowRunOutcome.Accepted,
                    CancelRequestOutcome.AlreadyCancelling => CancelFlowRunOutcome.AlreadyCancelling,
                    _ => CancelFlowRunOutcome.Declined,
                };
                return new CancelFlowRunResult(runId, requestId, outcome, last.Status, record.Detail);
            }

            if (last is { HasEnded: true })
            {
                return new CancelFlowRunResult(runId, requestId, CancelFlowRunOutcome.AlreadyEnded, last.Status,
                    $"Run {runId} of flow '{last.FlowName}' had already ended {last.Status}; the cancellation changed nothing.");
            }

            var remaining = deadline - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return last is null
                    ? new CancelFlowRunResult(runId, requestId, CancelFlowRunOutcome.NotFound, null,
                        $"No run {runId} was found within {_options.CancelConfirmationTimeout}; the orchestrator drops a cancellation of a run it does not have. Check the run id.")
                    : new CancelFlowRunResult(runId, requestId, CancelFlowRunOutcome.Unconfirmed, last.Status,
                        $"Run {runId} is {last.Status}, and the orchestrator did not confirm the cancellation within {_options.CancelConfirmationTimeout}; the request stays queued and is acted on when the orchestrator reads it.");
            }

            await Task.Delay(remaining < delay ? remaining : delay, _time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
    }

    /// <inheritdoc />
    public Task<FlowScheduleStatus> PauseScheduleAsync(string flowName, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(flowName);
        return ChangeScheduleAsync(new PauseFlowSchedule { FlowName = flowName, Reason = reason }, flowName, cancellationToken);
    }

    /// <inheritdoc />
    public Task<FlowScheduleStatus> ResumeScheduleAsync(string flowName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(flowName);
        return ChangeScheduleAsync(new ResumeFlowSchedule { FlowName = flowName }, flowName, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<FlowScheduleStatus>> GetSchedulesAsync(string? flowName = null, int nextFireTimes = 5, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nextFireTimes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nextFireTimes, 100);
        var client = _bus.CreateRequestClient<GetFlowSchedules>(QueueNames.Address(_options.QueryQueueName), RequestTimeout.After(ms: (int)_options.RequestTimeout.TotalMilliseconds));
        var response = await client.GetResponse<FlowScheduleList>(new GetFlowSchedules { FlowName = flowName, NextFireTimes = nextFireTimes }, cancellationToken).ConfigureAwait(false);
        return response.Message.Schedules;
    }

    private async Task<FlowScheduleStatus> ChangeScheduleAsync<TRequest>(TRequest request, string flowName, CancellationToken cancellationToken)
        where TRequest : class
    {
        var client = _bus.CreateRequestClient<TRequest>(QueueNames.Address(_options.QueryQueueName), RequestTimeout.After(ms: (int)_options.RequestTimeout.TotalMilliseconds));
        var response = await client.GetResponse<FlowScheduleStatus, FlowScheduleNotFound>(request, cancellationToken).ConfigureAwait(false);
        return response.Is(out Response<FlowScheduleStatus>? found)
            ? found!.Message
            : throw new KeyNotFoundException($"The orchestrator knows no schedule of flow '{flowName}': is the flow registered there with a Trigger.Schedule(...)?");
    }
}
