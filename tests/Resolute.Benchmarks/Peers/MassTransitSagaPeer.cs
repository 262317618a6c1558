using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Resolute.Benchmarks.Peers;

/// <summary>
/// A bare MassTransit state-machine saga doing our join: in-memory saga repository, in-memory transport. The saga sends
/// one command, then three at once, counts the three replies, then sends the last; a consumer replies to each.
/// The end is an event the saga publishes when the last reply arrives.
/// </summary>
public sealed class MassTransitSagaPeer : IPeer
{
    private const string SagaQueue = "peer-saga";
    private const string NodeQueue = "peer-saga-nodes";
    private readonly IHost _host;
    private readonly IBus _bus;
    private readonly RunCompletions _runs;

    private MassTransitSagaPeer(IHost host, RunCompletions runs)
    {
        _host = host;
        _bus = host.Services.GetRequiredService<IBus>();
        _runs = runs;
    }

    public string Name => "MassTransit saga";

    public string ShortName => "MT saga";

    public long NodeExecutions => NodeConsumer.Executions;

    public string TableName => "MassTransit 8.5.12 saga, in-memory repository and bus";

    public string Description => "bare MassTransit saga, in-memory repository + in-memory bus, 1 → 3 joined → 1 commands to a replying consumer";

    public static async Task<MassTransitSagaPeer> CreateAsync(CancellationToken cancellationToken)
    {
        var runs = new RunCompletions();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddMassTransit(x =>
        {
            x.AddSagaStateMachine<JoinStateMachine, JoinState>().InMemoryRepository();
            x.AddConsumer<NodeConsumer>();
            x.UsingInMemory((context, cfg) =>
            {
                cfg.ReceiveEndpoint(SagaQueue, e => e.ConfigureSaga<JoinState>(context));
                cfg.ReceiveEndpoint(NodeQueue, e =>
                {
                    e.ConfigureConsumeTopology = false;
                    e.ConfigureConsumer<NodeConsumer>(context);
                });
                cfg.ReceiveEndpoint("peer-saga-events", e => e.Handler<JoinRunEnded>(c =>
                {
                    runs.OnEnded(c.Message.RunId, completed: true);
                    return Task.CompletedTask;
                }));
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new MassTransitSagaPeer(host, runs);
    }

    public Task<StartedRun> StartAsync(CancellationToken cancellationToken)
    {
        var runId = NewId.NextGuid();
        return _runs.StartAsync(runId, () => _bus.Publish(new StartJoinRun(runId), cancellationToken));
    }

    public Task ResetAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    public sealed record StartJoinRun(Guid RunId);

    public sealed record RunJoinNode(Guid RunId, string Node);

    public sealed record JoinNodeDone(Guid RunId, string Node);

    public sealed record JoinRunEnded(Guid RunId);

    public sealed class JoinState : SagaStateMachineInstance
    {
        public Guid CorrelationId { get; set; }

        public string CurrentState { get; set; } = string.Empty;

        public int Pending { get; set; }
    }

    public sealed class NodeConsumer : IConsumer<RunJoinNode>
    {
        private static long s_executions;

        public static long Executions => Interlocked.Read(ref s_executions);

        public Task Consume(ConsumeContext<RunJoinNode> context)
        {
            ArgumentNullException.ThrowIfNull(context);
            Interlocked.Increment(ref s_executions);
            return context.Publish(new JoinNodeDone(context.Message.RunId, context.Message.Node));
        }
    }

    public sealed class JoinStateMachine : MassTransitStateMachine<JoinState>
    {
        private static readonly Uri Nodes = new($"queue:{NodeQueue}");

        public JoinStateMachine()
        {
            InstanceState(x => x.CurrentState);
            Event(() => Start, e => e.CorrelateById(c => c.Message.RunId));
            Event(() => Done, e => e.CorrelateById(c => c.Message.RunId));

            Initially(
                When(Start)
                    .Send(Nodes, c => new RunJoinNode(c.Saga.CorrelationId, "a"))
                    .TransitionTo(First));
            During(First,
                When(Done)
                    .Then(c => c.Saga.Pending = 3)
                    .Send(Nodes, c => new RunJoinNode(c.Saga.CorrelationId, "b"))
                    .Send(Nodes, c => new RunJoinNode(c.Saga.CorrelationId, "c"))
                    .Send(Nodes, c => new RunJoinNode(c.Saga.CorrelationId, "d"))
                    .TransitionTo(FanOut));
            During(FanOut,
                When(Done)
                    .Then(c => c.Saga.Pending--)
                    .If(c => c.Saga.Pending == 0, joined => joined
                        .Send(Nodes, c => new RunJoinNode(c.Saga.CorrelationId, "e"))
                        .TransitionTo(Last)));
            During(Last,
                When(Done)
                    .Publish(c => new JoinRunEnded(c.Saga.CorrelationId))
                    .Finalize());
            SetCompletedWhenFinalized();
        }

        public State First { get; private set; } = null!;

        public State FanOut { get; private set; } = null!;

        public State Last { get; private set; } = null!;

        public Event<StartJoinRun> Start { get; private set; } = null!;

        public Event<JoinNodeDone> Done { get; private set; } = null!;
    }
}
