using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Resolute.Persistence.EntityFrameworkCore.Outbox;
using Resolute.TestFlows;

namespace Resolute.TestHost;

/// <summary>
/// One process of an engine integration scenario. Registers every flow of <see cref="TestFlowCatalog"/>, runs the
/// roles asked for against RabbitMQ (and PostgreSQL for the orchestrator), prints <see cref="ReadyLine"/> on stdout once
/// the host has started (bus connected, endpoints up, database migrated), and stops cleanly on SIGTERM, Ctrl+C or
/// end of file on stdin. Logs (Warning and above) go to stderr, so stdout carries only the status lines.
/// </summary>
internal static class Program
{
    public const string ReadyLine = "RESOLUTE-TESTHOST READY";

    public const string StoppedLine = "RESOLUTE-TESTHOST STOPPED";

    public static async Task<int> Main(string[] args)
    {
        TestHostOptions options;
        try
        {
            options = TestHostOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"{e.Message}\n{TestHostOptions.Usage}").ConfigureAwait(false);
            return 2;
        }

        try
        {
            using var host = Build(options);
            await host.StartAsync().ConfigureAwait(false);
            await Console.Out.WriteLineAsync(ReadyLine).ConfigureAwait(false);
            await Console.Out.FlushAsync().ConfigureAwait(false);

            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            if (!options.IgnoreStdin)
            {
                // On a thread of its own: Console.In's ReadLineAsync reads synchronously when stdin is a pipe, and called
                // from here it would hold Main before WaitForShutdownAsync — a SIGTERM would then never stop the host.
                _ = Task.Run(() => StopAtEndOfStdinAsync(lifetime));
            }

            await host.WaitForShutdownAsync().ConfigureAwait(false);
            await Console.Out.WriteLineAsync(StoppedLine).ConfigureAwait(false);
            return 0;
        }
#pragma warning disable CA1031 // The process reports any start-up failure on stderr and exits non-zero.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"RESOLUTE-TESTHOST FAILED: {e}").ConfigureAwait(false);
            return 1;
        }
    }

    private static IHost Build(TestHostOptions options)
    {
        // No command-line configuration (our arguments are not configuration keys) and no files: the content root is
        // the build output, which holds no appsettings.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (options.LogSchedules)
        {
            builder.Logging.AddFilter("Resolute.Orchestration.Schedules", LogLevel.Information);
        }

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));

        // Test support: RESOLUTE_TEST_FAULT injects a fault into this orchestrator's outbox (an IOutboxObserver).
        if (OutboxFaultInjection.FromEnvironment() is { } faults)
        {
            builder.Services.AddSingleton(faults);
        }

        builder.AddResolute(r =>
        {
            foreach (var flow in TestFlowCatalog.All)
            {
                r.AddFlow(options.Schedules.TryGetValue(flow.Flow.Name, out var schedule) ? ScheduleFlows.WithSchedule(flow.Flow.Name, schedule) : flow.Flow, flow.TaskQueue);
            }

            // RESOLUTE_TEST_FLOW_GENERATION=2: the new version of the upgrade flow, with the old one kept for its runs.
            foreach (var previous in TestFlowCatalog.PreviousVersions)
            {
                r.AddPreviousFlowVersion(previous.Flow, previous.TaskQueue);
            }

            if (options.ScheduleCheckin is { } checkin)
            {
                r.ConfigureSchedules(s =>
                {
                    s.ClusterCheckinInterval = checkin;
                    s.ClusterCheckinMisfireThreshold = checkin;
                });
            }

            r.UseRabbitMq(options.RabbitMq);
            if (options.Postgres is { } postgres)
            {
                // Every role gets the database when it is given (today only the orchestrator uses it).
                r.UsePostgres(postgres);
            }

            if (options.Orchestrator)
            {
                r.AsOrchestrator();
                r.ConfigureOrchestrator(o =>
                {
                    o.DeadlineGrace = options.DeadlineGrace ?? o.DeadlineGrace;
                    o.QueueWaitLimit = options.QueueWaitLimit ?? o.QueueWaitLimit;
                    o.TimerPollInterval = options.TimerPoll ?? o.TimerPollInterval;
                });
            }

            if (options.Worker)
            {
                r.AsWorker([.. options.Queues]);
                r.ConfigureWorker(w =>
                {
                    if (options.WorkerId is { } id)
                    {
                        w.WorkerId = id;
                    }

                    if (options.Concurrency is { } concurrency)
                    {
                        w.ConcurrentNodeLimit = concurrency;
                    }

                    if (options.ShutdownDrain is { } drain)
                    {
                        w.ShutdownDrainTimeout = drain;
                    }
                });
            }
        });

        return builder.Build();
    }

    /// <summary>The parent closing our stdin (or dying) stops the host: no orphaned test processes.</summary>
    private static async Task StopAtEndOfStdinAsync(IHostApplicationLifetime lifetime)
    {
        try
        {
            while (await Console.In.ReadLineAsync().ConfigureAwait(false) is not null)
            {
            }
        }
        catch (IOException)
        {
        }

        lifetime.StopApplication();
    }
}
