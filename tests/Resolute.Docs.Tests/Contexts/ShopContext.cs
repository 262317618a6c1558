using Microsoft.EntityFrameworkCore;

namespace Resolute.Docs.Tests.Contexts.Shop;

/// <summary>
/// The <c>shop</c> context: the default's members plus an application's own services that node classes take from DI —
/// a shop <see cref="DbContext"/>, an audit log, the order messages and the compensation <see cref="CancelOrder"/>.
/// </summary>
public class ShopContext : FragmentContext
{
    /// <summary>The shop database's connection string.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Named as the docs write it.")]
    public string shopConnectionString { get; } = null!;
}

/// <summary>An order row.</summary>
public sealed class Order
{
    /// <summary>The id.</summary>
    public int Id { get; set; }

    /// <summary>The idempotency key it was created under.</summary>
    public string Reference { get; set; } = "";
}

/// <summary>The shop's database.</summary>
public sealed class ShopDbContext(DbContextOptions<ShopDbContext> options) : DbContext(options)
{
    /// <summary>Orders.</summary>
    public DbSet<Order> Orders => Set<Order>();
}

/// <summary>What placing an order takes.</summary>
public sealed record OrderInput(string Customer, decimal Amount);

/// <summary>A placed order.</summary>
public sealed record OrderPlaced(int Id);

/// <summary>The compensation of placing an order.</summary>
public sealed class CancelOrder : INode<OrderPlaced, bool>
{
    /// <inheritdoc />
    public Task<bool> ExecuteAsync(OrderPlaced input, NodeContext context) => Task.FromResult(true);
}

/// <summary>An application's audit log.</summary>
public sealed class AuditLog
{
    /// <summary>Writes an entry.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "An application's service, resolved from DI.")]
    public Task<bool> WriteAsync(OrderPlaced order, CancellationToken cancellationToken) => Task.FromResult(true);
}
