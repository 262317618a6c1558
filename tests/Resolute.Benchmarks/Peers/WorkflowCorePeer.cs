using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WorkflowCore.Interface;
using WorkflowCore.Models;
using WorkflowCore.Models.LifeCycleEvents;

namespace Resolute.Benchmarks.Peers;

/// <summary>
/// Workflow Core 3.22.0 with its in-memory persistence and queues (its defaults): A → Parallel(B, C, D).Join() → E with
/// no-op steps. The end is the WorkflowCompleted (or Terminated) lifecycle event, matched by the run's reference.
/// </summary>
public sealed class WorkflowCorePeer : IPeer
{
    private readonly ServiceProvider _services;
    private readonly IWorkflowHost _host;
    private readonly RunCompletions _runs = new();

    private WorkflowCorePeer(ServiceProvider services)
    {
        _services = services;
        _host = services.GetRequiredService<IWorkflowHost>();
        _host.OnLifeCycleEvent += OnLifeCycleEvent;
    }

    public string Name => "Workflow Core";

    public string ShortName => "Workflow Core";

    public string Description => "Workflow Core 3.22.0 in-memory, A → Parallel(B, C, D).Join() → E, no-op steps";

    public static async Task<WorkflowCorePeer> CreateAsync(CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddWorkflow();
        services.AddTransient<NoOpStep>();
        var provider = services.BuildServiceProvider();
        var peer = new WorkflowCorePeer(provider);
        peer._host.RegisterWorkflow<FiveStepWorkflow, FiveStepData>();
        await peer._host.StartAsync(cancellationToken);
        return peer;
    }

    public Task<StartedRun> StartAsync(CancellationToken cancellationToken)
    {
        var reference = Guid.NewGuid();
        return _runs.StartAsync(reference, () => _host.StartWorkflow(FiveStepWorkflow.WorkflowId, 1, new FiveStepData(), reference.ToString()));
    }

    public async ValueTask DisposeAsync()
    {
        _host.OnLifeCycleEvent -= OnLifeCycleEvent;
        await _host.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }

    private void OnLifeCycleEvent(LifeCycleEvent evt)
    {
        if (evt is WorkflowCompleted or WorkflowTerminated && Guid.TryParse(evt.Reference, out var reference))
        {
            _runs.OnEnded(reference, completed: evt is WorkflowCompleted);
        }
    }

    public sealed class FiveStepData;

    public sealed class NoOpStep : StepBody
    {
        public override ExecutionResult Run(IStepExecutionContext context) => ExecutionResult.Next();
    }

    public sealed class FiveStepWorkflow : IWorkflow<FiveStepData>
    {
        public const string WorkflowId = "bench-5";

        public string Id => WorkflowId;

        public int Version => 1;

        public void Build(IWorkflowBuilder<FiveStepData> builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            builder.StartWith<NoOpStep>()
                .Parallel()
                    .Do(branch => branch.StartWith<NoOpStep>())
                    .Do(branch => branch.StartWith<NoOpStep>())
                    .Do(branch => branch.StartWith<NoOpStep>())
                .Join()
                .Then<NoOpStep>();
        }
    }
}
