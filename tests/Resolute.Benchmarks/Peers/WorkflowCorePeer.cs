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
/// <remarks>
/// Its in-memory store keeps every finished workflow and looks instances up by scanning them, so it slows down as runs
/// accumulate. <see cref="ResetAsync"/> therefore starts a fresh host (the JIT-compiled code stays: same process) before
/// each measured pass and between warm-up windows; otherwise the warm-up itself would make it look slower.
/// </remarks>
public sealed class WorkflowCorePeer : IPeer
{
    private readonly RunCompletions _runs;
    private ServiceProvider _services;
    private IWorkflowHost _host;

    private WorkflowCorePeer(RunCompletions runs, ServiceProvider services, IWorkflowHost host)
    {
        _runs = runs;
        _services = services;
        _host = host;
    }

    public string Name => "Workflow Core";

    public string ShortName => "Workflow Core";

    public long NodeExecutions => NoOpStep.Executions;

    public string TableName => "Workflow Core 3.22.0, in-memory";

    public string Description => "Workflow Core 3.22.0 in-memory, A → Parallel(B, C, D).Join() → E, no-op steps";

    public static async Task<WorkflowCorePeer> CreateAsync(CancellationToken cancellationToken)
    {
        var runs = new RunCompletions();
        var (services, host) = await StartHostAsync(runs, cancellationToken);
        return new WorkflowCorePeer(runs, services, host);
    }

    public Task<StartedRun> StartAsync(CancellationToken cancellationToken)
    {
        var reference = Guid.NewGuid();
        return _runs.StartAsync(reference, () => _host.StartWorkflow(FiveStepWorkflow.WorkflowId, 1, new FiveStepData(), reference.ToString()));
    }

    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await StopHostAsync();
        (_services, _host) = await StartHostAsync(_runs, cancellationToken);
    }

    public ValueTask DisposeAsync() => StopHostAsync();

    private static async Task<(ServiceProvider, IWorkflowHost)> StartHostAsync(RunCompletions runs, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddWorkflow();
        services.AddTransient<NoOpStep>();
        var provider = services.BuildServiceProvider();
        var host = provider.GetRequiredService<IWorkflowHost>();
        host.RegisterWorkflow<FiveStepWorkflow, FiveStepData>();
        host.OnLifeCycleEvent += evt =>
        {
            if (evt is WorkflowCompleted or WorkflowTerminated && Guid.TryParse(evt.Reference, out var reference))
            {
                runs.OnEnded(reference, completed: evt is WorkflowCompleted);
            }
        };
        await host.StartAsync(cancellationToken);
        return (provider, host);
    }

    private async ValueTask StopHostAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }

    public sealed class FiveStepData;

    public sealed class NoOpStep : StepBody
    {
        private static long s_executions;

        public static long Executions => Interlocked.Read(ref s_executions);

        public override ExecutionResult Run(IStepExecutionContext context)
        {
            Interlocked.Increment(ref s_executions);
            return ExecutionResult.Next();
        }
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
