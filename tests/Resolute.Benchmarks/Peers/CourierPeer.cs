using MassTransit;
using MassTransit.Courier.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Resolute.Benchmarks.Peers;

/// <summary>
/// MassTransit Courier over RabbitMQ: a routing slip of five no-op execute activities, each on its own queue, hosted
/// in this process. Courier itineraries are sequential (no fan-out), so A → B → C → D → E stands in for A → (B, C, D) → E.
/// The end is the RoutingSlipCompleted (or Faulted) event Courier publishes.
/// </summary>
public sealed class CourierPeer : IPeer
{
    private const int Activities = 5;
    private readonly IHost _host;
    private readonly IBus _bus;
    private readonly RunCompletions _runs;
    private readonly Func<Task> _teardown;

    private CourierPeer(IHost host, RunCompletions runs, Func<Task> teardown)
    {
        _host = host;
        _bus = host.Services.GetRequiredService<IBus>();
        _runs = runs;
        _teardown = teardown;
    }

    public string Name => "MassTransit Courier";

    public string ShortName => "Courier";

    public long NodeExecutions => NoOpActivity.Executions;

    public string TableName => "MassTransit Courier 8.5.12, RabbitMQ, 5 sequential activities (no parallel)";

    public string Description => "MassTransit Courier routing slip over RabbitMQ, 5 sequential no-op activities (Courier has no parallel step)";

    public static async Task<CourierPeer> CreateAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rabbit = new Uri(options.RabbitMq ?? throw new ArgumentException("the Courier peer needs --rabbitmq"));
        var vhosts = new RabbitMqVirtualHosts(rabbit, options.RabbitMqManagement is null ? null : new Uri(options.RabbitMqManagement));
        var vhostName = $"resolute-bench-courier-{Environment.ProcessId}";
        var address = await vhosts.CreateAsync(vhostName, cancellationToken);
        var runs = new RunCompletions();

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddMassTransit(x =>
        {
            x.UsingRabbitMq((_, cfg) =>
            {
                var credentials = address.UserInfo.Split(':', 2);
                var vhost = address.AbsolutePath.Trim('/');
                cfg.Host(address.Host, (ushort)address.Port, vhost.Length == 0 ? "/" : Uri.UnescapeDataString(vhost), h =>
                {
                    h.Username(Uri.UnescapeDataString(credentials[0]));
                    h.Password(credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : string.Empty);
                });
                for (var i = 0; i < Activities; i++)
                {
                    cfg.ReceiveEndpoint(QueueName(i), e => e.ExecuteActivityHost<NoOpActivity, NoOpArguments>());
                }

                cfg.ReceiveEndpoint("courier-bench-events", e =>
                {
                    e.Handler<RoutingSlipCompleted>(c =>
                    {
                        runs.OnEnded(c.Message.TrackingNumber, completed: true);
                        return Task.CompletedTask;
                    });
                    e.Handler<RoutingSlipFaulted>(c =>
                    {
                        runs.OnEnded(c.Message.TrackingNumber, completed: false);
                        return Task.CompletedTask;
                    });
                });
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new CourierPeer(host, runs, async () =>
        {
            await vhosts.DeleteAsync(vhostName, CancellationToken.None);
            vhosts.Dispose();
        });
    }

    public Task<StartedRun> StartAsync(CancellationToken cancellationToken)
    {
        var trackingNumber = NewId.NextGuid();
        var slip = new RoutingSlipBuilder(trackingNumber);
        for (var i = 0; i < Activities; i++)
        {
            slip.AddActivity($"noop-{i}", new Uri($"queue:{QueueName(i)}"));
        }

        var routingSlip = slip.Build();
        return _runs.StartAsync(trackingNumber, () => _bus.Execute(routingSlip, cancellationToken));
    }

    public Task ResetAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _teardown();
    }

    private static string QueueName(int activity) => $"courier-bench-{activity}_execute";

    public sealed record NoOpArguments;

    /// <summary>A no-op step: Courier records it and forwards the slip to the next activity's queue.</summary>
    public sealed class NoOpActivity : IExecuteActivity<NoOpArguments>
    {
        private static long s_executions;

        public static long Executions => Interlocked.Read(ref s_executions);

        public Task<ExecutionResult> Execute(ExecuteContext<NoOpArguments> context)
        {
            ArgumentNullException.ThrowIfNull(context);
            Interlocked.Increment(ref s_executions);
            return Task.FromResult(context.Completed());
        }
    }
}
