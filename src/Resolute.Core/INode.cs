namespace Resolute;

/// <summary>
/// A node written as a class, created per attempt from the worker's dependency-injection container. Define it in a
/// flow with <see cref="Node.Create{TNode, TIn, TOut}(string)"/>; the flow keeps only the type. For every attempt the
/// worker opens a DI scope, resolves the class from it (registered or not: an unregistered class is created with
/// <c>ActivatorUtilities</c>, its constructor parameters taken from the scope), calls <see cref="ExecuteAsync"/>, and
/// disposes the scope — and with it every scoped service the node used — when the attempt ends, also when it fails,
/// times out or is cancelled.
/// </summary>
/// <typeparam name="TIn">The input type; serialised as JSON to the worker.</typeparam>
/// <typeparam name="TOut">The output type; serialised as JSON into <see cref="FlowState"/>.</typeparam>
/// <example>
/// <code>
/// public sealed class PlaceOrder(OrdersDbContext db) : INode&lt;OrderInput, OrderPlaced&gt;
/// {
///     public async Task&lt;OrderPlaced&gt; ExecuteAsync(OrderInput input, NodeContext context) { ... }
/// }
///
/// var place = Node.Create&lt;PlaceOrder, OrderInput, OrderPlaced&gt;("place-order").WithTimeout(TimeSpan.FromSeconds(30));
/// </code>
/// </example>
public interface INode<TIn, TOut>
{
    /// <summary>Runs one attempt. Honour <see cref="NodeContext.CancellationToken"/>.</summary>
    /// <param name="input">The node's input.</param>
    /// <param name="context">The attempt: run, node, attempt number, token, logger, idempotency key, and its services.</param>
    Task<TOut> ExecuteAsync(TIn input, NodeContext context);
}
