using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Resolute.Orchestration.Runs;

namespace Resolute.Persistence.EntityFrameworkCore.Tests.Support;

/// <summary>
/// The <see cref="CounterStateMachine"/> on MassTransit's in-memory test harness, stored by Resolute's EF saga repository.
/// Message retry handles <see cref="ConcurrencyException"/> only, so any other failure shows up as a fault.
/// </summary>
public sealed class SagaTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private SagaTestHost(ServiceProvider provider, RetryCounter retries)
    {
        _provider = provider;
        Retries = retries;
        Harness = provider.GetRequiredService<ITestHarness>();
    }

    public ITestHarness Harness { get; }

    public IServiceProvider Services => _provider;

    public RetryCounter Retries { get; }

    public static async Task<SagaTestHost> StartAsync<TDbContext>(
        Action<ResolutePersistenceBuilder> persistence,
        int concurrentMessageLimit,
        int retryLimit,
        Action<IServiceCollection>? configureServices = null)
        where TDbContext : ResoluteDbContext
    {
        var retries = new RetryCounter();
        var services = new ServiceCollection();
        services.AddResolutePersistence<TDbContext>(persistence);
        configureServices?.Invoke(services);

        services.AddMassTransitTestHarness(TextWriter.Null, x =>
        {
            x.AddSagaStateMachine<CounterStateMachine, FlowRun>()
                .Endpoint(e => e.ConcurrentMessageLimit = concurrentMessageLimit)
                .Repository(r => r.UseResoluteEntityFramework<TDbContext>());

            x.UsingInMemory((context, cfg) =>
            {
                cfg.UseMessageRetry(r =>
                {
                    r.Immediate(retryLimit);
                    r.Handle<ConcurrencyException>();
                    r.ConnectRetryObserver(retries);
                });
                cfg.ConfigureEndpoints(context);
            });
        });

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var host = new SagaTestHost(provider, retries);
        await host.Harness.Start().ConfigureAwait(false);
        return host;
    }

    /// <summary>Reads the run in a fresh scope (what another process would see after commit).</summary>
    public async Task<FlowRun?> ReadRunAsync<TDbContext>(Guid id)
        where TDbContext : DbContext
    {
        await using var scope = _provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        return await db.Set<FlowRun>().AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == id).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop().ConfigureAwait(false);
        await _provider.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Counts message retries (each one is a handled <see cref="ConcurrencyException"/>).</summary>
public sealed class RetryCounter : IRetryObserver
{
    private int _retries;

    public int Count => Volatile.Read(ref _retries);

    public Task PostCreate<T>(RetryPolicyContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;

    public Task PostFault<T>(RetryContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;

    public Task PreRetry<T>(RetryContext<T> context)
        where T : class, PipeContext
    {
        Interlocked.Increment(ref _retries);
        return Task.CompletedTask;
    }

    public Task RetryFault<T>(RetryContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;

    public Task RetryComplete<T>(RetryContext<T> context)
        where T : class, PipeContext => Task.CompletedTask;
}
