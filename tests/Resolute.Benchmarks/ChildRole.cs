using System.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Resolute.Benchmarks;

/// <summary>The orchestrator or worker process of the distributed mode (this assembly started with --role).</summary>
public static class ChildRole
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var role = options.Role;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddResolute(r =>
        {
            foreach (var flow in BenchmarkFlow.All)
            {
                r.AddFlow(flow, BenchmarkFlow.TaskQueue);
            }

            r.UseRabbitMq(options.RabbitMq ?? throw new ArgumentException("--role needs --rabbitmq"))
                .UsePostgres(options.Postgres ?? throw new ArgumentException("--role needs --postgres"));
            r.ConfigureOrchestrator(o => o.UseTransactionalOutbox = options.OutboxPasses[0]);
            if (options.ChildWorkerConcurrency is { } limit)
            {
                r.ConfigureWorker(w => w.ConcurrentNodeLimit = limit);
            }

            _ = role switch
            {
                "orchestrator" => r.AsOrchestrator(),
                "worker" => r.AsWorker(BenchmarkFlow.TaskQueue),
                _ => throw new ArgumentException($"--role {role}: expected orchestrator or worker"),
            };
        });
        using var host = builder.Build();
        await host.StartAsync();
        Console.WriteLine(ChildProcess.ReadyLine);

        // The parent's warm-up watches our JIT settle; the memory section tells managed growth from native.
        using var stop = new CancellationTokenSource();
        var report = ReportStatsAsync(stop.Token);

        // Runs until the parent closes our standard input (or kills us).
        await Console.In.ReadToEndAsync();
        await stop.CancelAsync();
        await report;
        await host.StopAsync();
        return 0;
    }

    private static async Task ReportStatsAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            do
            {
                Console.WriteLine(string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"{ChildProcess.StatsLinePrefix}{JitInfo.GetCompiledMethodCount()} {GC.GetGCMemoryInfo().HeapSizeBytes}"));
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }
}
