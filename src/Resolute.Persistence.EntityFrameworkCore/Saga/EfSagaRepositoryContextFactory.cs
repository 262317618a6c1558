using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Resolute.Persistence.EntityFrameworkCore.Saga;

/// <summary>
/// MassTransit saga repository on EF Core: for each message, one transaction on the scoped <typeparamref name="TDbContext"/>
/// (MassTransit opens a DI scope per message), the instance loaded with the provider's <see cref="ISagaRowLock"/>, the saga
/// pipeline run, everything the DbContext tracks saved, then commit — or roll back on any exception, which MassTransit's
/// message retry then handles. Also serves saga queries and loads outside of messages.
/// </summary>
/// <typeparam name="TDbContext">The DbContext that maps <typeparamref name="TSaga"/>.</typeparam>
/// <typeparam name="TSaga">The saga instance type.</typeparam>
public sealed class EfSagaRepositoryContextFactory<TDbContext, TSaga> :
    ISagaRepositoryContextFactory<TSaga>,
    ILoadSagaRepositoryContextFactory<TSaga>,
    IQuerySagaRepositoryContextFactory<TSaga>
    where TDbContext : DbContext
    where TSaga : class, ISaga
{
    private readonly TDbContext _dbContext;
    private readonly ISagaConsumeContextFactory<DbContext, TSaga> _consumeContextFactory;
    private readonly List<ISagaRowLock> _rowLocks;
    private ISagaRowLock? _rowLock;

    /// <summary>Created by DI in the message's scope.</summary>
    /// <param name="dbContext">The scoped DbContext of this message.</param>
    /// <param name="consumeContextFactory">Creates saga consume contexts.</param>
    /// <param name="rowLocks">The registered row locks; the one matching the DbContext's provider is used (the last registered wins).</param>
    public EfSagaRepositoryContextFactory(
        TDbContext dbContext,
        ISagaConsumeContextFactory<DbContext, TSaga> consumeContextFactory,
        IEnumerable<ISagaRowLock> rowLocks)
    {
        ArgumentNullException.ThrowIfNull(dbContext);
        ArgumentNullException.ThrowIfNull(consumeContextFactory);
        ArgumentNullException.ThrowIfNull(rowLocks);
        _dbContext = dbContext;
        _consumeContextFactory = consumeContextFactory;
        _rowLocks = rowLocks.ToList();
    }

    private ISagaRowLock RowLock => _rowLock ??= SelectRowLock();

    /// <inheritdoc />
    public void Probe(ProbeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Add("persistence", "resolute-entity-framework");
        context.Add("dbContext", typeof(TDbContext).Name);
    }

    /// <inheritdoc />
    public Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        return WithinTransactionAsync(context, async () =>
        {
            var repositoryContext = new EfSagaRepositoryContext<TSaga, T>(_dbContext, context, _consumeContextFactory, RowLock);
            await next.Send(repositoryContext).ConfigureAwait(false);
        });
    }

    /// <inheritdoc />
    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(next);

        return WithinTransactionAsync(context, async () =>
        {
            // Ids only; each instance is then loaded with the row lock, one at a time.
            var ids = await _dbContext.Set<TSaga>()
                .AsNoTracking()
                .Where(query.FilterExpression)
                .Select(x => x.CorrelationId)
                .ToListAsync(context.CancellationToken)
                .ConfigureAwait(false);

            var repositoryContext = new EfSagaRepositoryContext<TSaga, T>(_dbContext, context, _consumeContextFactory, RowLock);
            await next.Send(new DefaultSagaRepositoryQueryContext<TSaga, T>(repositoryContext, ids)).ConfigureAwait(false);
        });
    }

    /// <inheritdoc />
    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(asyncMethod);
        return asyncMethod(new EfSagaReadContext<TSaga>(_dbContext, cancellationToken));
    }

    /// <inheritdoc />
    public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(asyncMethod);
        return asyncMethod(new EfSagaReadContext<TSaga>(_dbContext, cancellationToken));
    }

    private async Task WithinTransactionAsync(ConsumeContext context, Func<Task> body)
    {
        var database = _dbContext.Database;

        // An outer unit of work (e.g. an outbox filter) owns the transaction: take part in it, leave commit to it.
        if (database.CurrentTransaction is not null)
        {
            await body().ConfigureAwait(false);
            await SaveTrackedChangesAsync(context).ConfigureAwait(false);
            return;
        }

        // A retrying execution strategy (EnableRetryOnFailure) refuses user transactions outside ExecuteAsync.
        var strategy = database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(
            async cancellationToken =>
            {
                using var turn = await RowLock.EnterWriterAsync(_dbContext, cancellationToken).ConfigureAwait(false);
                var transaction = await database.BeginTransactionAsync(RowLock.IsolationLevel, cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    // EF would wrap every SaveChanges in a savepoint (two more round trips on PostgreSQL) so that a failed
                    // save leaves the transaction usable; here any failure rolls the whole transaction back, so it buys
                    // nothing. The insert race keeps its own savepoint (Insert).
                    var autoSavepoints = database.AutoSavepointsEnabled;
                    database.AutoSavepointsEnabled = false;
                    try
                    {
                        await body().ConfigureAwait(false);
                        await SaveTrackedChangesAsync(context).ConfigureAwait(false);

                        // Not cancellable: once the pipeline ran, abandoning the commit half-way helps nobody.
                        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception exception)
                    {
                        await RollBackQuietlyAsync(transaction).ConfigureAwait(false);

                        // The tracked entities hold the rolled-back state; a retry in the same scope must reload them.
                        _dbContext.ChangeTracker.Clear();

                        if (exception is not ConcurrencyException && RowLock.IsConcurrencyConflict(exception))
                        {
                            throw SagaConcurrency.Conflict<TSaga>(context.CorrelationId ?? Guid.Empty, exception);
                        }

                        throw;
                    }
                    finally
                    {
                        database.AutoSavepointsEnabled = autoSavepoints;
                    }
                }
            },
            context.CancellationToken).ConfigureAwait(false);
    }

    // Rows that saga activities added through the DbContext payload without saving them, and any change left after a
    // path that does not save (saga finalized on its first message, read-only policies).
    private async Task SaveTrackedChangesAsync(ConsumeContext context)
    {
        if (_dbContext.ChangeTracker.HasChanges())
        {
            await _dbContext.SaveChangesAsync(context.CancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task RollBackQuietlyAsync(IDbContextTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The original exception matters; a failed rollback (e.g. broken connection) ends the transaction anyway.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private ISagaRowLock SelectRowLock()
    {
        var provider = _dbContext.Database.ProviderName;
        for (var i = _rowLocks.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_rowLocks[i].ProviderName, provider, StringComparison.Ordinal))
            {
                return _rowLocks[i];
            }
        }

        throw new InvalidOperationException(
            $"No saga row lock is registered for the EF Core provider '{provider}' of {typeof(TDbContext).Name}. "
            + "Configure the database with AddResolutePersistence(p => p.UsePostgres(...) / UseSqlServer(...) / UseSqlite(...)), "
            + $"or register an {nameof(ISagaRowLock)} for that provider.");
    }
}
