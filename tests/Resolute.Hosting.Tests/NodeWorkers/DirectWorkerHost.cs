using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Contracts;

namespace Resolute.Hosting.Tests.NodeWorkers;

/// <summary>
/// A worker-only embedded host (in-memory transport) that a test feeds <see cref="ExecuteNode"/> commands directly, with
/// every reply the worker publishes — completed, failed, started, declined — recorded in arrival order.
/// </summary>
internal sealed class DirectWorkerHost : IAsyncDisposable
{
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(30);

    private readonly string _database = SqliteFiles.NewPath();
    private readonly ConcurrentQueue<object> _replies = new();
    private EmbeddedHost _host = null!;

    private DirectWorkerHost()
    {
    }

    /// <summary>Everything the worker published, oldest first.</summary>
    public IReadOnlyCollection<object> Replies => _replies;

    /// <param name="configure">The worker's flows and settings (<c>AsWorker()</c> is added).</param>
    public static async Task<DirectWorkerHost> StartAsync(Action<ResoluteConfigurator> configure)
    {
        var worker = new DirectWorkerHost();
        worker._host = await EmbeddedHost.StartAsync(worker._database, r =>
        {
            configure(r);
            r.AsWorker();
        });
        var handle = worker._host.Services.GetRequiredService<IBus>().ConnectReceiveEndpoint(
            new TemporaryEndpointDefinition("direct-worker-replies"),
            KebabCaseEndpointNameFormatter.Instance,
            e =>
            {
                e.Handler<NodeCompleted>(c => worker.Note(c.Message));
                e.Handler<NodeFailed>(c => worker.Note(c.Message));
                e.Handler<NodeStarted>(c => worker.Note(c.Message));
                e.Handler<NodeVersionUnavailable>(c => worker.Note(c.Message));
            });
        await handle.Ready.WaitAsync(Ready);
        return worker;
    }

    /// <summary>Sends <paramref name="command"/> to the default task queue.</summary>
    public async Task SendAsync(ExecuteNode command)
    {
        var endpoint = await _host.Services.GetRequiredService<IBus>().GetSendEndpoint(QueueNames.Address(FlowRegistry.DefaultTaskQueue));
        await endpoint.Send(command);
    }

    /// <summary>The replies of type <typeparamref name="T"/> to <paramref name="command"/>.</summary>
    public List<T> RepliesTo<T>(ExecuteNode command) => _replies.OfType<T>().Where(r => ExecutionOf(r!) == command.ExecutionId).ToList();

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        SqliteFiles.Delete(_database);
    }

    private Task Note(object reply)
    {
        _replies.Enqueue(reply);
        return Task.CompletedTask;
    }

    private static Guid ExecutionOf(object reply) => reply switch
    {
        NodeCompleted c => c.ExecutionId,
        NodeFailed f => f.ExecutionId,
        NodeStarted s => s.ExecutionId,
        NodeVersionUnavailable v => v.ExecutionId,
        _ => Guid.Empty,
    };
}
