using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resolute.Contracts;
using Resolute.Orchestration;
using Resolute.Orchestration.Flows;
using Resolute.Orchestration.Runs;
using Resolute.Orchestration.Sagas;
using Resolute.Orchestration.Schedules;
using Resolute.Orchestration.Telemetry;
using Resolute.Orchestration.Timers;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.Persistence.EntityFrameworkCore.Runs;
using Resolute.Workers;
using Resolute.Workers.Consumers;

namespace Resolute;

/// <summary>
/// Connects Resolute's receive endpoints to the bus once it has started: the saga's and the query endpoint (orchestrator),
/// one endpoint per task queue and a temporary cancellation endpoint (worker). Connecting at start, rather than in the
/// transport's configuration, lets Resolute join a bus the application configures (<c>x.AddResolute</c> inside its own
/// <c>AddMassTransit</c>) without asking it to call anything, keeps Resolute's consumers out of the application's
/// <c>ConfigureEndpoints</c>, reads task queues and concurrency from options at start, and — registered after the
/// database migrator — takes the first saga message only once the schema is there. Start returns when every endpoint is ready.
/// </summary>
internal sealed partial class ResoluteEndpointConnector(
    IServiceProvider services,
    ResoluteBusAccess bus,
    ResoluteHostPlan plan,
    FlowRegistry registry,
    OrchestratorOptions orchestrator,
    WorkerOptions worker,
    ILogger<ResoluteEndpointConnector> logger) : IHostedService
{
    private const string OrchestratorMaxMessageBytesKey = ResoluteConfigurationKeys.Orchestrator + ":" + nameof(OrchestratorOptions.MaxMessageBytes);
    private const string WorkerMaxMessageBytesKey = ResoluteConfigurationKeys.Worker + ":" + nameof(WorkerOptions.MaxMessageBytes);

    /// <summary>The queues this process's worker serves: the configured ones, or every queue of the registered flows.</summary>
    public IReadOnlyList<string> WorkerQueues => worker.TaskQueues.Count > 0
        ? worker.TaskQueues.Distinct(StringComparer.Ordinal).ToList()
        : registry.AllVersions.SelectMany(f => f.Queues).Distinct(StringComparer.Ordinal).ToList();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connector = bus.Connector(services);
        var handles = new List<HostReceiveEndpointHandle>();
        if (plan.Roles.HasFlag(ResoluteRoles.Orchestrator))
        {
            var sagaConcurrency = orchestrator.ConcurrentMessageLimit;
            if (services.GetService(typeof(ResolutePersistenceOptions)) is ResolutePersistenceOptions { Provider.MaxConcurrentSagaMessages: { } max })
            {
                sagaConcurrency = Math.Min(sagaConcurrency, max);
            }

            handles.Add(connector.ConnectReceiveEndpoint(orchestrator.QueueName, (context, e) =>
            {
                // First: a message too large to be legal is not even deserialised (error queue, with the reason).
                e.UseMessageSizeLimit(orchestrator.MaxMessageBytes, OrchestratorMaxMessageBytesKey);

                // Transient database errors (lock timeouts, a lost connection) are retried; the message stays
                // unacknowledged meanwhile, so nothing is lost.
                // A reply for a run this database does not have cannot become valid by waiting: to the error queue at once.
                e.UseMessageRetry(r =>
                {
                    r.Exponential(12, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
                    r.Ignore<ReplyForUnknownRunException>();
                });

                // Commands and events leave only after the saga's transaction committed. The transactional outbox
                // (inside retry, outside the saga repository's transaction) stores them with the saga and sends them
                // after the commit; the in-memory outbox only holds them in memory until then.
                if (plan.TransactionalOutbox)
                {
                    e.UseResoluteOutbox(context);
                }
                else
                {
                    e.UseInMemoryOutbox(context);
                }

                // Next to the saga repository: a run's timer is armed, and its spans and metrics reported, right after
                // its transaction committed.
                e.UseRunAfterCommit(context);

                // StartFlow from any producer: plain application/json (its fields) as well as the MassTransit envelope.
                e.UseStartFlowJson();

                e.ConcurrentMessageLimit = sagaConcurrency;
                e.PrefetchCount = Math.Max(sagaConcurrency, 16);
                e.ConfigureSaga<FlowRun>(context);
            }));

            handles.Add(connector.ConnectReceiveEndpoint(orchestrator.QueryQueueName, (context, e) =>
            {
                e.UseMessageSizeLimit(orchestrator.MaxMessageBytes, OrchestratorMaxMessageBytesKey);
                e.ConfigureConsumeTopology = false;
                e.ConfigureConsumer<FlowRunQueryConsumer>(context);
                e.ConfigureConsumer<FlowScheduleConsumer>(context);
                e.ConfigureConsumer<FlowQueryConsumer>(context);
            }));
        }

        if (plan.Roles.HasFlag(ResoluteRoles.Worker))
        {
            // Each worker process hears every run cancellation on its own temporary queue.
            handles.Add(connector.ConnectReceiveEndpoint(
                new TemporaryEndpointDefinition(QueueNames.NodeCancellation),
                DefaultEndpointNameFormatter.Instance,
                (context, e) =>
                {
                    e.UseMessageSizeLimit(worker.MaxMessageBytes, WorkerMaxMessageBytesKey);
                    e.ConfigureConsumer<NodeCancellationConsumer>(context);
                }));

            foreach (var queue in WorkerQueues)
            {
                handles.Add(connector.ConnectReceiveEndpoint(queue, (context, e) =>
                {
                    e.UseMessageSizeLimit(worker.MaxMessageBytes, WorkerMaxMessageBytesKey);

                    // Commands are sent to the queue directly; no exchange bindings for the message type.
                    e.ConfigureConsumeTopology = false;
                    e.ConcurrentMessageLimit = worker.ConcurrentNodeLimit;
                    e.PrefetchCount = worker.ConcurrentNodeLimit;
                    e.UseMessageRetry(r => r.Intervals(100, 500, 1000));
                    e.ConfigureConsumer<NodeCommandConsumer>(context);
                }));
            }
        }

        await Task.WhenAll(handles.Select(h => h.Ready)).WaitAsync(cancellationToken).ConfigureAwait(false);
        LogConnected(logger, plan.Roles, handles.Count, bus.BusType.Name);
    }

    // The bus stops its endpoints (and drains them) when it stops.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Resolute ({Roles}) connected {Count} receive endpoints to bus {Bus}")]
    private static partial void LogConnected(ILogger logger, ResoluteRoles roles, int count, string bus);
}

/// <summary>What <c>AddResolute</c> decided for this process: its roles and whether the saga uses the transactional outbox.</summary>
internal sealed record ResoluteHostPlan(ResoluteRoles Roles, bool TransactionalOutbox);
