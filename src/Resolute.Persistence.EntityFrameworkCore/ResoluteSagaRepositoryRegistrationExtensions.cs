using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Resolute.Orchestration.Runs;
using Resolute.Persistence.EntityFrameworkCore.Saga;

namespace Resolute.Persistence.EntityFrameworkCore;

/// <summary>
/// Registers Resolute's EF Core saga repository on a MassTransit saga:
/// <code>
/// x.AddSagaStateMachine&lt;FlowRunStateMachine, FlowRun&gt;()
///     .Repository(r => r.UseResoluteEntityFramework&lt;ResoluteDbContext&gt;());
/// </code>
/// The DbContext itself (provider, connection, row lock) comes from
/// <see cref="ResolutePersistenceServiceCollectionExtensions.AddResolutePersistence(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{ResolutePersistenceBuilder})"/>.
/// </summary>
public static class ResoluteSagaRepositoryRegistrationExtensions
{
    /// <summary>Stores <see cref="FlowRun"/> sagas through <typeparamref name="TDbContext"/>.</summary>
    /// <typeparam name="TDbContext">A <see cref="ResoluteDbContext"/> (or a context derived from it).</typeparam>
    /// <param name="configurator">The saga's repository configurator.</param>
    /// <returns>The configurator.</returns>
    public static ISagaRepositoryRegistrationConfigurator<FlowRun> UseResoluteEntityFramework<TDbContext>(
        this ISagaRepositoryRegistrationConfigurator<FlowRun> configurator)
        where TDbContext : ResoluteDbContext =>
        configurator.UseResoluteEntityFramework<TDbContext, FlowRun>();

    /// <summary>Stores <typeparamref name="TSaga"/> instances through <typeparamref name="TDbContext"/>, which must map them.</summary>
    /// <typeparam name="TDbContext">The DbContext; registered scoped in DI.</typeparam>
    /// <typeparam name="TSaga">The saga instance type.</typeparam>
    /// <param name="configurator">The saga's repository configurator.</param>
    /// <returns>The configurator.</returns>
    public static ISagaRepositoryRegistrationConfigurator<TSaga> UseResoluteEntityFramework<TDbContext, TSaga>(
        this ISagaRepositoryRegistrationConfigurator<TSaga> configurator)
        where TDbContext : DbContext
        where TSaga : class, ISaga =>
        configurator.UseResoluteEntityFramework<TDbContext, TSaga, SagaConsumeContextFactory<DbContext, TSaga>>();

    /// <summary>
    /// As <see cref="UseResoluteEntityFramework{TDbContext, TSaga}"/>, with a custom factory of saga consume contexts
    /// (for example one that wraps them for an outbox).
    /// </summary>
    /// <typeparam name="TDbContext">The DbContext; registered scoped in DI.</typeparam>
    /// <typeparam name="TSaga">The saga instance type.</typeparam>
    /// <typeparam name="TConsumeContextFactory">Creates the saga consume contexts; receives the per-message DbContext.</typeparam>
    /// <param name="configurator">The saga's repository configurator.</param>
    /// <returns>The configurator.</returns>
    public static ISagaRepositoryRegistrationConfigurator<TSaga> UseResoluteEntityFramework<TDbContext, TSaga, TConsumeContextFactory>(
        this ISagaRepositoryRegistrationConfigurator<TSaga> configurator)
        where TDbContext : DbContext
        where TSaga : class, ISaga
        where TConsumeContextFactory : class, ISagaConsumeContextFactory<DbContext, TSaga>
    {
        ArgumentNullException.ThrowIfNull(configurator);

        // Load and query first: RegisterSagaRepository only fills them in (TryAdd) with "not supported" stand-ins.
        configurator.RegisterLoadSagaRepository<TSaga, EfSagaRepositoryContextFactory<TDbContext, TSaga>>();
        configurator.RegisterQuerySagaRepository<TSaga, EfSagaRepositoryContextFactory<TDbContext, TSaga>>();
        configurator.RegisterSagaRepository<TSaga, DbContext, TConsumeContextFactory, EfSagaRepositoryContextFactory<TDbContext, TSaga>>();
        return configurator;
    }
}
