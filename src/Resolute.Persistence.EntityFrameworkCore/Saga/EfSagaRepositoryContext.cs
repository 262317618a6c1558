using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace Resolute.Persistence.EntityFrameworkCore.Saga;

/// <summary>
/// The saga repository's view of one message: loads (with the row lock), inserts, updates and deletes the instance
/// through the per-message <see cref="DbContext"/>, inside the transaction that
/// <see cref="EfSagaRepositoryContextFactory{TDbContext, TSaga}"/> opened.
/// </summary>
/// <remarks>
/// The DbContext is a payload of this context and of every saga consume context created from it, so saga activities can
/// write their own rows in the same transaction:
/// <code>
/// if (context.TryGetPayload&lt;ResoluteDbContext&gt;(out var db))
///     db.Add(new SomeRow(...));   // saved with the saga, committed or rolled back with it
/// </code>
/// </remarks>
/// <typeparam name="TSaga">The saga instance type.</typeparam>
/// <typeparam name="TMessage">The message type.</typeparam>
public sealed class EfSagaRepositoryContext<TSaga, TMessage> :
    MassTransit.Context.ConsumeContextScope<TMessage>,
    SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISaga
    where TMessage : class
{
    private const string InsertSavepoint = "resolute_saga_insert";

    private readonly DbContext _dbContext;
    private readonly ISagaConsumeContextFactory<DbContext, TSaga> _factory;
    private readonly ISagaRowLock _rowLock;

    /// <summary>Creates the context for one message.</summary>
    /// <param name="dbContext">The per-message DbContext; becomes a payload.</param>
    /// <param name="context">The message's consume context.</param>
    /// <param name="factory">Creates the saga consume contexts.</param>
    /// <param name="rowLock">Loads instances with the provider's row lock.</param>
    public EfSagaRepositoryContext(
        DbContext dbContext,
        ConsumeContext<TMessage> context,
        ISagaConsumeContextFactory<DbContext, TSaga> factory,
        ISagaRowLock rowLock)
        : base(context, dbContext ?? throw new ArgumentNullException(nameof(dbContext)))
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(rowLock);
        _dbContext = dbContext;
        _factory = factory;
        _rowLock = rowLock;
    }

    /// <summary>The per-message DbContext (also available as a payload).</summary>
    public DbContext DbContext => _dbContext;

    /// <inheritdoc />
    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        _factory.CreateSagaConsumeContext(_dbContext, this, instance, SagaConsumeContextMode.Add);

    /// <inheritdoc />
    /// <remarks>
    /// Used only when the state machine inserts on the initial event (<c>InsertOnInitial</c>; the run saga does not: it
    /// loads first and adds the instance, saved in the one batch of the message's writes). A lost insert race returns
    /// <see langword="null"/> so that MassTransit loads the winner's row instead; a savepoint keeps the transaction usable
    /// after the failed INSERT (PostgreSQL aborts the whole transaction on any error otherwise). It costs two round trips
    /// per insert but saves a whole retry of the message on a lost race, which is when such sagas insert early.
    /// </remarks>
    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        ArgumentNullException.ThrowIfNull(instance);

        var transaction = _dbContext.Database.CurrentTransaction
            ?? throw new InvalidOperationException("The saga repository inserts only inside its per-message transaction.");

        await transaction.CreateSavepointAsync(InsertSavepoint, CancellationToken).ConfigureAwait(false);
        var entry = _dbContext.Set<TSaga>().Add(instance);
        try
        {
            await _dbContext.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (_rowLock.IsConcurrencyConflict(exception))
        {
            entry.State = EntityState.Detached;
            await transaction.RollbackToSavepointAsync(InsertSavepoint, CancellationToken).ConfigureAwait(false);
            LogContext.Debug?.Log(exception, "Saga {SagaType} {CorrelationId}: insert lost a race, loading the existing row", typeof(TSaga).Name, instance.CorrelationId);

            // MassTransit's contract: default means "not inserted, load it".
            return null!;
        }

        await transaction.ReleaseSavepointAsync(InsertSavepoint, CancellationToken).ConfigureAwait(false);
        return await _factory.CreateSagaConsumeContext(_dbContext, this, instance, SagaConsumeContextMode.Insert).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var instance = await _rowLock.LoadAsync<TSaga>(_dbContext, correlationId, CancellationToken).ConfigureAwait(false);

        // MassTransit's contract: default means "no instance".
        return instance is null
            ? null!
            : await _factory.CreateSagaConsumeContext(_dbContext, this, instance, SagaConsumeContextMode.Load).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task Save(SagaConsumeContext<TSaga> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _dbContext.Set<TSaga>().Add(context.Saga);
        return SaveChangesAsync(context.Saga.CorrelationId);
    }

    /// <inheritdoc />
    public Task Update(SagaConsumeContext<TSaga> context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // The old version goes into the UPDATE's WHERE clause (concurrency token): a writer that slipped past the lock
        // makes this update hit no row and fail instead of overwriting.
        if (context.Saga is ISagaVersion versioned)
        {
            versioned.Version++;
        }

        return SaveChangesAsync(context.Saga.CorrelationId);
    }

    /// <inheritdoc />
    public Task Delete(SagaConsumeContext<TSaga> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _dbContext.Set<TSaga>().Remove(context.Saga);
        return SaveChangesAsync(context.Saga.CorrelationId);
    }

    /// <inheritdoc />
    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    /// <inheritdoc />
    public Task Undo(SagaConsumeContext<TSaga> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var entry = _dbContext.ChangeTracker.Entries<TSaga>().FirstOrDefault(x => x.Entity.CorrelationId == context.Saga.CorrelationId);
        if (entry is not null)
        {
            entry.State = EntityState.Unchanged;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, TSaga instance, SagaConsumeContextMode mode)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(consumeContext);

        // Keep the DbContext reachable as a payload whatever context MassTransit hands us.
        if (!consumeContext.TryGetPayload<DbContext>(out var payload) || !ReferenceEquals(payload, _dbContext))
        {
            consumeContext = new MassTransit.Context.ConsumeContextScope<T>(consumeContext, _dbContext);
        }

        return _factory.CreateSagaConsumeContext(_dbContext, consumeContext, instance, mode);
    }

    private async Task SaveChangesAsync(Guid correlationId)
    {
        try
        {
            await _dbContext.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is DbUpdateConcurrencyException || _rowLock.IsConcurrencyConflict(exception))
        {
            throw SagaConcurrency.Conflict<TSaga>(correlationId, exception);
        }
    }
}
