using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Resolute.Orchestration.Schedules;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Runs;
using Resolute.Persistence.EntityFrameworkCore.Schedules;

namespace Resolute;

/// <summary>
/// The orchestrator's schedule runner: Quartz with its ADO job store in the saga database (tables <c>resolute_qrtz_*</c>,
/// created by Resolute's migrations, validated at start). PostgreSQL and SQL Server run it clustered — every orchestrator
/// replica is a node, and each tick is fired by exactly one. SQLite (the embedded mode, one orchestrator process per file)
/// runs it unclustered: there is no other node to share ticks with, and cluster check-ins would only add writes to a
/// database that takes one writer at a time. A restarted SQLite process recovers the ticks it had claimed at start-up.
/// </summary>
internal static class ScheduleRegistration
{
    /// <summary>Registers the runner before the bus: the reconciler (after the database migrator) and the consumer's services.</summary>
    public static void AddSchedules(IServiceCollection services, ResoluteDatabaseProvider provider, ScheduleOptions options, ResoluteBusAccess bus)
    {
        options.Validate();
        services.AddMetrics();
        services.AddSingleton<ScheduleMetrics>();
        services.AddSingleton<RecentScheduledStarts>();
        services.AddSingleton<IScheduledRunStarter>(sp => bus.Create<BusScheduledRunStarter>(sp));
        services.AddScoped<IScheduledRunSource, EfScheduledRunSource>();

        // A named scheduler (its services keyed by the name): an application's own AddQuartz() stays its own.
        services.AddQuartz(ScheduleKeys.SchedulerName, q =>
        {
            q.ConfigureScheduler(s => s.GenerateInstanceId = true);
            q.UseDefaultThreadPool(4);
            q.UsePersistentStore(store =>
            {
                store.ConfigureStore(o =>
                {
                    o.TablePrefix = QuartzTables.Prefix;
                    o.MisfireThreshold = options.MisfireThreshold;
                    o.SchemaProvisioning = SchemaProvisioning.Validate;
                });
                store.UseSystemTextJsonSerializer();
                provider.ConfigureScheduleStore(store);
                if (provider.SharedByReplicas)
                {
                    Cluster(store, options);
                }
            });
        });

        // After the migrator (registered with the persistence), before Quartz starts firing.
        services.AddHostedService<FlowScheduleReconciler>();
    }

    /// <summary>Starts Quartz; registered after the bus, so that a tick never publishes into a bus that has not started.</summary>
    public static void AddScheduleRunner(IServiceCollection services) =>
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

    private static void Cluster(IPersistentStoreBuilder store, ScheduleOptions options) =>
        store.UseClustering(c =>
        {
            c.CheckinInterval = options.ClusterCheckinInterval;
            c.CheckinMisfireThreshold = options.ClusterCheckinMisfireThreshold;
        });
}
