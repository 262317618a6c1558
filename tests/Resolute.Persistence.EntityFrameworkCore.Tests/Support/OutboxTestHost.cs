using System.Collections.Concurrent;
using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Resolute.Contracts;
using Resolute.Orchestration;
using Resolute.Orchestration.Decisions;
using Resolute.Orchestration.Runs;
using Resolute.Orchestration.Sagas;
using Resolute.Persistence.EntityFrameworkCore.Outbox;

namespace Resolute.Persistence.EntityFrameworkCore.Tests.Support;

/// <summary>
/// The real <see cref="FlowRunStateMachine"/> on MassTransit's in-memory test harness, stored by Resolute's EF repository,
/// with the transactional outbox on its endpoint exactly as the hosting wires it (message retry, then the outbox filter,
/// then the saga), and a worker that completes every node of <see cref="NodeQueue"/> at once.
/// </summary>
public sealed class OutboxTestHost : IAsyncDisposable
{
    public const string OrchestratorQueue = "outbox-test-orchestrator";

    /// <summary>Nodes of <see cref="PipelineFlow"/> run here; <see cref="EchoNodeWorker"/> completes them at once.</summary>
    public const string NodeQueue = "outbox-test-nodes";

    /// <summary>Nodes of <see cref="ManualFlow"/> go here; nobody consumes them: the test plays the worker.</summary>
    public const string ManualQueue = "outbox-test-manual";

    private readonly ServiceProvider _provider;

    private OutboxTestHost(ServiceProvider provider, LogCapture logs, ResoluteOutboxOptions options)
    {
        _provider = provider;
        Logs = logs;
        Options = options;
        Harness = provider.GetRequiredService<ITestHarness>();
    }

    /// <summary>a, then b and c in parallel, then d.</summary>
    public static Flow PipelineFlow { get; } = Flow.Create("outbox-pipeline").TriggeredBy(Trigger.Manual())
        .Then(Noop("a"))
        .ThenParallel("fan-out", Noop("b"), Noop("c"))
        .Then(Noop("d"))
        .Build();

    /// <summary>One node, replied to by the test.</summary>
    public static Flow ManualFlow { get; } = Flow.Create("outbox-manual").TriggeredBy(Trigger.Manual()).Then(Noop("only")).Build();

    /// <summary>Two nodes in sequence, replied to by the test: the first reply dispatches the second node.</summary>
    public static Flow TwoStepFlow { get; } = Flow.Create("outbox-two-steps").TriggeredBy(Trigger.Manual()).Then(Noop("first")).Then(Noop("second")).Build();

    public ITestHarness Harness { get; }

    public IServiceProvider Services => _provider;

    public LogCapture Logs { get; }

    public ResoluteOutboxOptions Options { get; }

    /// <summary>The hosted sweeper.</summary>
    public OutboxDeliveryService Sweeper => _provider.GetRequiredService<OutboxDeliveryService>();

    public static async Task<OutboxTestHost> StartAsync(
        Action<ResolutePersistenceBuilder> persistence,
        Action<ResoluteOutboxOptions> outbox,
        int retryLimit = 5,
        Action<ISagaConfigurator<FlowRun>>? configureSaga = null,
        int concurrentMessageLimit = 8,
        Action<IServiceCollection>? configureServices = null)
    {
        var logs = new LogCapture();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        services.AddSingleton(TimeProvider.System);
        var registry = new FlowRegistry();
        registry.Add(PipelineFlow, NodeQueue);
        registry.Add(ManualFlow, ManualQueue);
        registry.Add(TwoStepFlow, ManualQueue);
        services.AddSingleton(registry);
        configureServices?.Invoke(services);
        services.AddSingleton(new OrchestratorOptions { QueueName = OrchestratorQueue });
        services.AddSingleton<FlowRunDecider>();
        services.AddResolutePersistence(persistence);
        var options = services.AddResoluteOutbox(outbox);
        services.AddSingleton<IOutboxObserver, FaultHookObserver>();

        services.AddMassTransitTestHarness(TextWriter.Null, x =>
        {
            // Endpoints are configured by hand below (no ConfigureEndpoints), in the hosting's order.
            x.AddSagaStateMachine<FlowRunStateMachine, FlowRun>()
                .Repository(r => r.UseResoluteEntityFramework<ResoluteDbContext>());
            x.AddConsumer<EchoNodeWorker>();

            x.UsingInMemory((context, cfg) =>
            {
                cfg.ReceiveEndpoint(OrchestratorQueue, e =>
                {
                    e.ConcurrentMessageLimit = concurrentMessageLimit;
                    e.UseMessageRetry(r => r.Immediate(retryLimit));
                    e.UseResoluteOutbox(context);
                    e.ConfigureSaga<FlowRun>(context, s => configureSaga?.Invoke(s));
                });
                cfg.ReceiveEndpoint(NodeQueue, e =>
                {
                    e.ConfigureConsumeTopology = false;
                    e.ConfigureConsumer<EchoNodeWorker>(context);
                });
            });
        });

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var host = new OutboxTestHost(provider, logs, options);
        await host.Harness.Start().ConfigureAwait(false);
        host.Harness.Bus.ConnectSendObserver(host.Outgoing);
        host.Harness.Bus.ConnectPublishObserver(host.Outgoing);
        return host;
    }

    public async Task<Guid> StartRunAsync(Flow flow)
    {
        var id = NewId.NextGuid();
        await Harness.Bus.Publish(new StartFlow { RunId = id, FlowName = flow.Name, InputJson = "1", RequestedAt = DateTimeOffset.UtcNow }).ConfigureAwait(false);
        return id;
    }

    public async Task<FlowRun?> ReadRunAsync(Guid id)
    {
        await using var scope = _provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
        return await db.FlowRuns.AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == id).ConfigureAwait(false);
    }

    public Task<FlowRun?> WaitForStatusAsync(Guid id, RunStatus status, TimeSpan timeout) =>
        Poll.UntilAsync(() => ReadRunAsync(id), r => r?.Status == status, timeout, $"run {id} to be {status}");

    public async Task<List<OutboxMessage>> OutboxRowsAsync(Guid runId)
    {
        await using var scope = _provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
        return await db.OutboxMessages.AsNoTracking().Where(x => x.RunId == runId).ToListAsync().ConfigureAwait(false);
    }

    /// <summary>The run's history rows (ended attempts), in creation order.</summary>
    public async Task<List<NodeExecution>> HistoryRowsAsync(Guid runId)
    {
        await using var scope = _provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
        return await db.NodeExecutions.AsNoTracking().Where(x => x.RunId == runId).OrderBy(x => x.Sequence).ToListAsync().ConfigureAwait(false);
    }

    /// <summary>Node commands sent for a run so far (MessageId, command).</summary>
    public List<(Guid? MessageId, ExecuteNode Command)> SentCommands(Guid runId) =>
        Harness.Sent.Select<ExecuteNode>(x => x.Context.Message.RunId == runId).Select(x => (x.Context.MessageId, x.Context.Message)).ToList();

    /// <summary>
    /// Every send and publish so far, counted per MessageId (the harness's own lists keep one entry per MessageId, so
    /// they cannot show a message sent twice).
    /// </summary>
    public OutgoingCounter Outgoing { get; } = new();

    /// <summary>MessageIds of everything sent or published so far.</summary>
    public HashSet<Guid> AllOutgoingMessageIds() => Outgoing.Counts.Keys.ToHashSet();

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop().ConfigureAwait(false);
        await _provider.DisposeAsync().ConfigureAwait(false);
    }

    private static Node<int, int> Noop(string name) => Node.Create<int, int>(name, (value, _) => Task.FromResult(value));
}

/// <summary>Counts sends and publishes per MessageId.</summary>
public sealed class OutgoingCounter : ISendObserver, IPublishObserver
{
    public ConcurrentDictionary<Guid, int> Counts { get; } = new();

    public int Count(Guid messageId) => Counts.TryGetValue(messageId, out var n) ? n : 0;

    public Task PreSend<T>(SendContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostSend<T>(SendContext<T> context)
        where T : class => Record(context.MessageId);

    public Task SendFault<T>(SendContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;

    public Task PrePublish<T>(PublishContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context)
        where T : class => Record(context.MessageId);

    public Task PublishFault<T>(PublishContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;

    private Task Record(Guid? messageId)
    {
        if (messageId is { } id)
        {
            Counts.AddOrUpdate(id, 1, (_, n) => n + 1);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Completes every node command at once (output 1), as a worker would.</summary>
public sealed class EchoNodeWorker : IConsumer<ExecuteNode>
{
    public Task Consume(ConsumeContext<ExecuteNode> context)
    {
        var now = DateTimeOffset.UtcNow;
        return context.Publish(Reply(context.Message, now));
    }

    public static NodeCompleted Reply(ExecuteNode command, DateTimeOffset now) => new()
    {
        RunId = command.RunId,
        ExecutionId = command.ExecutionId,
        NodeName = command.NodeName,
        Attempt = command.Attempt,
        OutputJson = "1",
        StartedAt = now,
        CompletedAt = now,
        WorkerId = "echo",
    };
}

/// <summary>Keeps every log entry (category, event id, message, level), at every level down to Trace.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, EventId EventId, string Message, LogLevel Level)> _entries = new();

    public IReadOnlyList<(string Category, EventId EventId, string Message, LogLevel Level)> Entries => _entries.ToList();

    public int Count(int eventId) => _entries.Count(e => e.EventId.Id == eventId);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((category, eventId, formatter(state, exception), logLevel));
    }
}
