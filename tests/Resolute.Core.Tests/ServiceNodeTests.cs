using System.Collections;
using System.Reflection;
using Resolute.Tests.TestSupport;

namespace Resolute.Tests;

/// <summary>Class-based nodes (<see cref="INode{TIn, TOut}"/>): the definition holds a type, each execution creates the class from the context's services.</summary>
[Trait("Area", "Definition")]
public sealed class ServiceNodeTests
{
    public sealed record OrderInput(string Id);

    public sealed record OrderPlaced(string Id, string By);

    public interface IOrderApi
    {
        string Place(string id);
    }

    public sealed class OrderApi(string name) : IOrderApi
    {
        public string Place(string id) => $"{id}@{name}";
    }

    /// <summary>Needs a service; counts how often it was created.</summary>
    public sealed class PlaceOrder(IOrderApi api) : INode<OrderInput, OrderPlaced>
    {
        private static int s_created;

        public static int Created => Volatile.Read(ref s_created);

        public static void CountCreation() => Interlocked.Increment(ref s_created);

        public Task<OrderPlaced> ExecuteAsync(OrderInput input, NodeContext context)
        {
            CountCreation();
            return Task.FromResult(new OrderPlaced(input.Id, api.Place(input.Id)));
        }
    }

    /// <summary>No dependencies; disposable, so the node that created it must dispose it.</summary>
    public sealed class Echo : INode<string, string>, IDisposable
    {
        public int Disposed { get; private set; }

        public static Echo? Last { get; private set; }

        public Echo() => Last = this;

        public Task<string> ExecuteAsync(string input, NodeContext context) => Task.FromResult($"{input} (attempt {context.Attempt})");

        public void Dispose() => Disposed++;
    }

    public sealed class UndoOrder : INode<OrderPlaced, bool>
    {
        public Task<bool> ExecuteAsync(OrderPlaced input, NodeContext context) => Task.FromResult(true);
    }

    [Fact]
    public void Create_keeps_the_class_and_its_types_and_shows_the_class_in_the_plan()
    {
        var node = Node.Create<PlaceOrder, OrderInput, OrderPlaced>("place-order").As("order").WithTimeout(TimeSpan.FromSeconds(30));

        Assert.Equal(typeof(PlaceOrder), node.ImplementationType);
        Assert.Equal(typeof(OrderInput), node.InputType);
        Assert.Equal(typeof(OrderPlaced), node.OutputType);
        Assert.Equal("place-order -> 'order' (OrderInput -> OrderPlaced) [class PlaceOrder, timeout 30s]", node.Describe());
        Assert.Null(Node.Create<string, string>("f", (s, _) => Task.FromResult(s)).ImplementationType);
    }

    [Fact]
    public void A_flow_with_class_nodes_builds_without_services_and_holds_no_instance_and_no_provider()
    {
        var created = PlaceOrder.Created;
        var flow = Flow.Create("orders").TriggeredBy(Trigger.Manual())
            .Then(Node.Create<PlaceOrder, OrderInput, OrderPlaced>("place-order")
                .OnError(Node.Create<UndoOrder, OrderPlaced, bool>("undo-order").WithInput(s => s.Get<OrderPlaced>("place-order"))))
            .Then(Node.Create<Echo, string, string>("echo", "hello"))
            .Build();

        Assert.Equal(created, PlaceOrder.Created);
        Assert.Equal(typeof(UndoOrder), flow.GetNode("undo-order").ImplementationType);
        var reachable = Reachable(flow);
        Assert.Contains(flow.GetNode("undo-order"), reachable);
        Assert.Contains(reachable, o => o is Func<OrderInput, NodeContext, Task<OrderPlaced>>);
        Assert.DoesNotContain(reachable, o => o is IServiceProvider or PlaceOrder or UndoOrder or Echo);
    }

    [Fact]
    public async Task Each_execution_creates_the_class_from_the_context_services()
    {
        var node = Node.Create<PlaceOrder, OrderInput, OrderPlaced>("place-order");
        var services = new Services { [typeof(IOrderApi)] = new OrderApi("shop") };

        var output = await node.ExecuteAsync(new OrderInput("o-1"), Context("place-order", services));

        Assert.Equal(new OrderPlaced("o-1", "o-1@shop"), output);
    }

    [Fact]
    public async Task A_class_with_a_parameterless_constructor_runs_with_a_context_that_has_no_services_and_is_disposed_after()
    {
        var node = Node.Create<Echo, string, string>("echo");

        var output = await node.ExecuteAsync("hi", Context("echo", services: null, attempt: 2));

        Assert.Equal("hi (attempt 2)", output);
        Assert.Equal(1, Echo.Last!.Disposed);
    }

    [Fact]
    public async Task A_registered_class_is_taken_from_the_services_and_left_to_its_container_to_dispose()
    {
        var registered = new Echo();
        var node = Node.Create<Echo, string, string>("echo", "static input");

        var output = await node.ExecuteAsync(node.ResolveInput(new FlowState()), Context("echo", new Services { [typeof(Echo)] = registered }));

        Assert.Equal("static input (attempt 1)", output);
        Assert.Same(registered, Echo.Last);
        Assert.Equal(0, registered.Disposed);
    }

    [Fact]
    public async Task A_missing_dependency_throws_NodeActivationException_naming_node_class_and_service()
    {
        var node = Node.Create<PlaceOrder, OrderInput, OrderPlaced>("place-order");

        var error = await Assert.ThrowsAsync<NodeActivationException>(() => node.ExecuteAsync(new OrderInput("o"), Context("place-order", services: null)));

        Assert.Equal("place-order", error.NodeName);
        Assert.Equal(typeof(PlaceOrder), error.NodeType);
        Assert.Contains("'place-order'", error.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(PlaceOrder).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(IOrderApi).FullName!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_context_created_without_services_has_an_empty_provider()
    {
        var context = Context("n", services: null);

        Assert.NotNull(context.Services);
        Assert.Null(context.Services.GetService(typeof(IOrderApi)));
    }

    private static NodeContext Context(string node, IServiceProvider? services, int attempt = 1) =>
        new(Stubs.RunId, "test-flow", node, attempt, NodeContext.CreateIdempotencyKey(Stubs.RunId, node), CancellationToken.None, logger: null, services);

    /// <summary>Every object reachable from <paramref name="root"/> through instance fields (delegate targets included).</summary>
    private static List<object> Reachable(object root)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<object>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (!seen.Add(current) || current is string or Type or MemberInfo or Pointer)
            {
                continue;
            }

            if (current is IEnumerable items and not IDictionary)
            {
                foreach (var item in items)
                {
                    if (item is not null && !item.GetType().IsPrimitive)
                    {
                        pending.Push(item);
                    }
                }
            }

            for (var type = current.GetType(); type is not null; type = type.BaseType)
            {
                foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (!field.FieldType.IsPrimitive && field.GetValue(current) is { } value)
                    {
                        pending.Push(value);
                    }
                }
            }
        }

        return [.. seen];
    }

    private sealed class Services : Dictionary<Type, object>, IServiceProvider
    {
        public object? GetService(Type serviceType) => TryGetValue(serviceType, out var service) ? service : null;
    }
}
