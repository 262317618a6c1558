using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Orchestration.RateLimits;
using Resolute.Persistence.EntityFrameworkCore.RateLimits;
using Resolute.Persistence.EntityFrameworkCore.Tests.Support;

namespace Resolute.Persistence.EntityFrameworkCore.Tests;

/// <summary>
/// The limiters' ledger on a real, migrated database of each provider: one statement per limiter moves its next free time
/// atomically, so transactions reserving at once (as orchestrator replicas do) get distinct slots one interval apart, and
/// a rolled-back transaction gives its slots back.
/// </summary>
/// <typeparam name="TDatabase">The provider under test.</typeparam>
public abstract class RateLimitLedgerSuite<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : DatabaseProviderFixture
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [ProviderFact]
    public async Task Transactions_reserving_at_once_get_distinct_slots_one_interval_apart()
    {
        await using var provider = Services();
        var ledger = provider.GetRequiredService<EfRateLimitLedger>();
        var key = $"shared:concurrent-{Guid.NewGuid():N}";

        // Eight writers, ten transactions each, every one reserving two slots — like replicas handling messages at once.
        var slots = (await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            var mine = new List<DateTimeOffset>();
            for (var i = 0; i < 10; i++)
            {
                mine.AddRange(await InTransactionAsync(provider, ledger, [Request(key), Request(key)], commit: true));
            }

            return mine;
        }))).SelectMany(s => s).Order().ToList();

        Assert.Equal(Enumerable.Range(0, 160).Select(i => T0 + (Interval * i)), slots);
    }

    [ProviderFact]
    public async Task A_rolled_back_reservation_gives_its_slots_back()
    {
        await using var provider = Services();
        var ledger = provider.GetRequiredService<EfRateLimitLedger>();
        var key = $"node:rollback-{Guid.NewGuid():N}/a";

        Assert.Equal([T0], await InTransactionAsync(provider, ledger, [Request(key)], commit: true));
        Assert.Equal([T0 + Interval], await InTransactionAsync(provider, ledger, [Request(key)], commit: false));
        Assert.Equal([T0 + Interval], await InTransactionAsync(provider, ledger, [Request(key)], commit: true));
    }

    [ProviderFact]
    public async Task An_idle_limiter_starts_again_at_now_not_in_the_past_and_limiters_do_not_share_slots()
    {
        await using var provider = Services();
        var ledger = provider.GetRequiredService<EfRateLimitLedger>();
        var run = Guid.NewGuid().ToString("N");
        var one = $"shared:one-{run}";
        var two = $"shared:two-{run}";
        var later = T0 + TimeSpan.FromMinutes(5);

        await InTransactionAsync(provider, ledger, [Request(one)], commit: true);
        var slots = await InTransactionAsync(provider, ledger, [Request(one, later), Request(two), Request(one, later)], commit: true);

        // Grouped per limiter in key order: 'one' twice from 'later', then 'two' from T0.
        Assert.Equal([later, later + Interval, T0], slots);
    }

    private static RateLimitRequest Request(string key, DateTimeOffset? notBefore = null) => new(Guid.NewGuid(), key, Interval, notBefore ?? T0);

    private static async Task<List<DateTimeOffset>> InTransactionAsync(IServiceProvider provider, EfRateLimitLedger ledger, IReadOnlyList<RateLimitRequest> requests, bool commit)
    {
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ResoluteDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var slots = await ledger.ReserveAsync(db, requests, CancellationToken.None);
        if (commit)
        {
            await transaction.CommitAsync();
        }
        else
        {
            await transaction.RollbackAsync();
        }

        return slots.Select(s => s.Slot).ToList();
    }

    // On the class's database, migrated by the fixture.
    private ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddResolutePersistence(database.Persistence());
        services.AddSingleton<EfRateLimitLedger>();
        return services.BuildServiceProvider();
    }
}
