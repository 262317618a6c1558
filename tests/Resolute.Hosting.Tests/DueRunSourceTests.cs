using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Resolute.Orchestration.Runs;
using Resolute.Orchestration.Timers;
using Resolute.Persistence.EntityFrameworkCore;
using Resolute.Persistence.EntityFrameworkCore.Runs;

namespace Resolute.Hosting.Tests;

/// <summary>The EF source of the timer loop, on SQLite (dates stored as ticks): due runs in order, and the next timer.</summary>
[Trait("Area", "Engine")]
public sealed class DueRunSourceTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _database = SqliteFiles.NewPath();

    [Fact]
    [Trait("Area", "Engine")]
    public async Task Due_runs_come_earliest_first_with_the_first_timer_after_now()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddResolutePersistence(p => p.UseSqlite($"Data Source={_database}"));
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<ResoluteDatabaseMigrator>().MigrateAsync();

        var (late, early, atNow, next, later) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
            db.FlowRuns.AddRange(
                Run(late, Now.AddSeconds(-1)),
                Run(early, Now.AddSeconds(-5)),
                Run(atNow, Now),
                Run(Guid.NewGuid(), null),
                Run(later, Now.AddMinutes(1)),
                Run(next, Now.AddMilliseconds(1)));
            await db.SaveChangesAsync();
        }

        DueRuns found;
        await using (var scope = provider.CreateAsyncScope())
        {
            found = await new EfDueRunSource(scope.ServiceProvider.GetRequiredService<ResoluteDbContext>()).GetDueRunsAsync(Now, 10, CancellationToken.None);
        }

        Assert.Equal([early, late, atNow], found.Due.Select(d => d.RunId));
        Assert.Equal([Now.AddSeconds(-5), Now.AddSeconds(-1), Now], found.Due.Select(d => d.DueAt));
        Assert.Equal(Now.AddMilliseconds(1), found.NextWakeAt);

        await using (var scope = provider.CreateAsyncScope())
        {
            var none = await new EfDueRunSource(scope.ServiceProvider.GetRequiredService<ResoluteDbContext>()).GetDueRunsAsync(Now.AddHours(1), 2, CancellationToken.None);
            Assert.Equal(2, none.Due.Count);
            Assert.Null(none.NextWakeAt);
        }
    }

    public void Dispose() => SqliteFiles.Delete(_database);

    private static FlowRun Run(Guid id, DateTimeOffset? nextWakeAt) => new()
    {
        CorrelationId = id,
        CurrentState = "Running",
        FlowName = "timers",
        FlowVersion = "1",
        CreatedAt = Now.AddMinutes(-10),
        UpdatedAt = Now.AddMinutes(-10),
        NextWakeAt = nextWakeAt,
    };
}
