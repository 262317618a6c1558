using System.Text.Json;
using Resolute.Tests.TestSupport;

namespace Resolute.Tests;

[Trait("Area", "Definition")]
public sealed class NodeTests
{
    private sealed record OrderInput(string OrderId, int Quantity);

    private sealed record OrderOutput(string Confirmation);

    private sealed record Undo(string Reason);

    private static Task<OrderOutput> PlaceOrder(OrderInput input, NodeContext context) =>
        Task.FromResult(new OrderOutput($"{input.OrderId}x{input.Quantity}@{context.NodeName}#{context.Attempt}"));

    private static Task<OrderOutput> PlaceOrderWithToken(OrderInput input, CancellationToken cancellationToken) =>
        Task.FromResult(new OrderOutput($"{input.OrderId}:{cancellationToken.CanBeCanceled}"));

    [Fact]
    public void Create_with_a_context_function_has_the_defaults()
    {
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder);

        Assert.Equal("place-order", node.Name);
        Assert.Equal("place-order", node.OutputKey);
        Assert.Equal(typeof(OrderInput), node.InputType);
        Assert.Equal(typeof(OrderOutput), node.OutputType);
        Assert.Null(node.ConfiguredTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), node.Timeout);
        Assert.Same(RetryPolicy.Default, node.RetryPolicy);
        Assert.Null(node.RateLimit);
        Assert.Null(node.SharedRateLimiter);
        Assert.Null(node.Compensation);
        Assert.Null(node.TaskQueue);
        Assert.False(node.HasInputFunction);
        Assert.False(node.HasStaticInput);
    }

    [Fact]
    public void ContinueOnError_makes_a_best_effort_copy_and_shows_in_the_description()
    {
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder);

        var bestEffort = node.ContinueOnError();

        Assert.False(node.ContinuesOnError);
        Assert.True(bestEffort.ContinuesOnError);
        Assert.DoesNotContain("best-effort", node.Describe(), StringComparison.Ordinal);
        Assert.Contains("best-effort", bestEffort.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Default_timeout_is_five_minutes()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), Node.DefaultTimeout);
    }

    [Fact]
    public async Task Create_with_a_context_function_and_static_input_uses_that_input()
    {
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder, new OrderInput("o-1", 2));

        Assert.True(node.HasStaticInput);
        Assert.False(node.HasInputFunction);
        var input = node.ResolveInput(FlowState.WithInput(new OrderInput("from-run", 9)));
        Assert.Equal(new OrderInput("o-1", 2), input);

        var output = await node.ExecuteAsync(input, Stubs.Context("place-order", attempt: 2));
        Assert.Equal(new OrderOutput("o-1x2@place-order#2"), output);
    }

    [Fact]
    public async Task Create_with_a_token_function_passes_the_context_cancellation_token()
    {
        using var cancellation = new CancellationTokenSource();
        CancellationToken seen = default;
        var node = Node.Create<OrderInput, OrderOutput>("place-order", (OrderInput input, CancellationToken token) =>
        {
            seen = token;
            return Task.FromResult(new OrderOutput(input.OrderId));
        });

        var output = await node.ExecuteAsync(new OrderInput("o-7", 1), Stubs.Context(cancellationToken: cancellation.Token));

        Assert.Equal(new OrderOutput("o-7"), output);
        Assert.Equal(cancellation.Token, seen);
        Assert.False(node.HasStaticInput);
        Assert.Equal("place-order", node.Name);
    }

    [Fact]
    public async Task Create_with_a_token_function_and_static_input_uses_that_input()
    {
        using var cancellation = new CancellationTokenSource();
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrderWithToken, new OrderInput("static", 1));

        Assert.True(node.HasStaticInput);
        var input = node.ResolveInput(new FlowState());
        Assert.Equal(new OrderInput("static", 1), input);
        var output = await node.ExecuteAsync(input, Stubs.Context(cancellationToken: cancellation.Token));
        Assert.Equal(new OrderOutput("static:True"), output);
    }

    [Fact]
    public void Create_rejects_a_null_name_or_function()
    {
        Assert.Throws<ArgumentNullException>(() => Node.Create<OrderInput, OrderOutput>(null!, PlaceOrder));
        Assert.Throws<ArgumentNullException>(() => Node.Create<OrderInput, OrderOutput>("n", (Func<OrderInput, NodeContext, Task<OrderOutput>>)null!));
        Assert.Throws<ArgumentNullException>(() => Node.Create<OrderInput, OrderOutput>("n", (Func<OrderInput, CancellationToken, Task<OrderOutput>>)null!));
        Assert.Throws<ArgumentNullException>(() => Node.Create<OrderInput, OrderOutput>(null!, PlaceOrderWithToken, new OrderInput("x", 1)));
    }

    [Fact]
    public void As_sets_the_output_key_and_keeps_the_name()
    {
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder).As("order");

        Assert.Equal("place-order", node.Name);
        Assert.Equal("order", node.OutputKey);
    }

    [Fact]
    public void Settings_methods_set_what_they_say()
    {
        var limiter = RateLimiter.Shared("external-api", 100, TimeSpan.FromMinutes(1));
        var retry = new RetryPolicy { MaximumAttempts = 10 };
        var undo = Node.Create<Undo, bool>("cancel-order", (Undo _, NodeContext _) => Task.FromResult(true));

        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder)
            .WithTimeout(TimeSpan.FromMinutes(2))
            .WithRetry(retry)
            .WithRateLimit(50, TimeSpan.FromMinutes(1))
            .WithSharedRateLimit(limiter)
            .OnError(undo)
            .WithTaskQueue("orders-queue");

        Assert.Equal(TimeSpan.FromMinutes(2), node.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(2), node.ConfiguredTimeout);
        Assert.Same(retry, node.RetryPolicy);
        Assert.Equal(new RateLimit(50, TimeSpan.FromMinutes(1)), node.RateLimit);
        Assert.Same(limiter, node.SharedRateLimiter);
        Assert.Same(undo, node.Compensation);
        Assert.Equal("orders-queue", node.TaskQueue);
    }

    [Fact]
    public void Every_With_method_returns_a_new_node_and_leaves_the_original_unchanged()
    {
        var original = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder);
        var undo = Stubs.Text("undo");
        var derived = new Node[]
        {
            original.As("order"),
            original.WithInput(_ => new OrderInput("x", 1)),
            original.WithTimeout(TimeSpan.FromSeconds(30)),
            original.WithRetry(new RetryPolicy { MaximumAttempts = 5 }),
            original.WithRateLimit(10, TimeSpan.FromSeconds(1)),
            original.WithSharedRateLimit(RateLimiter.Shared("api", 1, TimeSpan.FromSeconds(1))),
            original.OnError(undo),
            original.WithTaskQueue("queue"),
        };

        foreach (var node in derived)
        {
            Assert.NotSame(original, node);
            Assert.Equal("place-order", node.Name);
        }

        Assert.Equal("place-order", original.OutputKey);
        Assert.Null(original.ConfiguredTimeout);
        Assert.Same(RetryPolicy.Default, original.RetryPolicy);
        Assert.Null(original.RateLimit);
        Assert.Null(original.SharedRateLimiter);
        Assert.Null(original.Compensation);
        Assert.Null(original.TaskQueue);
        Assert.False(original.HasInputFunction);
    }

    [Fact]
    public void A_shared_base_node_can_be_specialised_twice_independently()
    {
        var baseNode = Node.Create<OrderInput, OrderOutput>("call", PlaceOrder).WithTimeout(TimeSpan.FromMinutes(1));

        var fast = baseNode.WithTimeout(TimeSpan.FromSeconds(5)).As("fast");
        var slow = baseNode.As("slow");

        Assert.Equal(TimeSpan.FromSeconds(5), fast.Timeout);
        Assert.Equal("fast", fast.OutputKey);
        Assert.Equal(TimeSpan.FromMinutes(1), slow.Timeout);
        Assert.Equal("slow", slow.OutputKey);
        Assert.Equal(TimeSpan.FromMinutes(1), baseNode.Timeout);
        Assert.Equal("call", baseNode.OutputKey);
    }

    [Fact]
    public void WithInput_keeps_the_settings_set_before_and_after_it()
    {
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder)
            .As("order")
            .WithTimeout(TimeSpan.FromSeconds(30))
            .WithInput(s => s.Get<OrderInput>("request"))
            .WithTaskQueue("orders");

        Assert.Equal("order", node.OutputKey);
        Assert.Equal(TimeSpan.FromSeconds(30), node.Timeout);
        Assert.Equal("orders", node.TaskQueue);
        Assert.True(node.HasInputFunction);
        var state = new FlowState();
        state.Set("request", new OrderInput("o-3", 3));
        Assert.Equal(new OrderInput("o-3", 3), node.ResolveInput(state));
    }

    [Fact]
    public void ResolveInput_prefers_the_input_function_over_the_static_input_and_the_run_input()
    {
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder, new OrderInput("static", 1))
            .WithInput(s => new OrderInput(s.Get<string>("id"), 5));
        var state = FlowState.WithInput(new OrderInput("run", 9));
        state.Set("id", "computed");

        Assert.True(node.HasInputFunction);
        Assert.Equal(new OrderInput("computed", 5), node.ResolveInput(state));
    }

    [Fact]
    public void WithInput_replaces_the_static_input()
    {
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder, new OrderInput("static", 1));

        var computed = node.WithInput(_ => new OrderInput("computed", 2));

        Assert.True(computed.HasInputFunction);
        Assert.False(computed.HasStaticInput);
        Assert.True(node.HasStaticInput);
        Assert.False(node.HasInputFunction);
    }

    [Fact]
    public void ResolveInput_prefers_the_static_input_over_the_run_input()
    {
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder, new OrderInput("static", 1));

        Assert.Equal(new OrderInput("static", 1), node.ResolveInput(FlowState.WithInput(new OrderInput("run", 9))));
    }

    [Fact]
    public void ResolveInput_reads_the_run_input_as_the_input_type_when_nothing_else_is_given()
    {
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder);

        Assert.Equal(new OrderInput("run", 9), node.ResolveInput(FlowState.WithInput(new OrderInput("run", 9))));
        Assert.Equal(new OrderInput("json", 4), node.ResolveInput(new FlowState(JsonDocument.Parse("""{"orderId":"json","quantity":4}""").RootElement)));
    }

    [Fact]
    public void ResolveInput_is_null_without_run_input()
    {
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder);

        Assert.Null(node.ResolveInput(new FlowState()));
    }

    [Fact]
    public void ResolveInput_reports_a_run_input_of_another_shape()
    {
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder);

        var error = Assert.Throws<FlowStateException>(() => node.ResolveInput(FlowState.WithInput("just text")));

        Assert.Equal("(input)", error.Key);
        ProblemAssert.Mentions(error.Message, "run input", "OrderInput", "just text");
    }

    [Fact]
    public void ResolveInput_lets_a_failing_input_function_surface_the_missing_key()
    {
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder)
            .WithInput(s => s.Get<OrderInput>("request"));

        var error = Assert.Throws<FlowStateException>(() => node.ResolveInput(new FlowState()));

        Assert.Equal("request", error.Key);
    }

    [Fact]
    public void WithInput_function_runs_each_time_the_input_is_resolved()
    {
        var calls = 0;
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder)
            .WithInput(_ => new OrderInput("o", ++calls));
        var state = new FlowState();

        Assert.Equal(new OrderInput("o", 1), node.ResolveInput(state));
        Assert.Equal(new OrderInput("o", 2), node.ResolveInput(state));
    }

    [Fact]
    public async Task ExecuteAsync_runs_the_function_with_the_input_and_context()
    {
        NodeContext? seen = null;
        var node = Node.Create<OrderInput, OrderOutput>("place-order", (OrderInput input, NodeContext context) =>
        {
            seen = context;
            return Task.FromResult(new OrderOutput(input.OrderId + "-ok"));
        });
        var context = Stubs.Context("place-order", attempt: 3);

        var output = await node.ExecuteAsync(new OrderInput("o-9", 1), context);

        Assert.Equal(new OrderOutput("o-9-ok"), output);
        Assert.Same(context, seen);
    }

    [Fact]
    public async Task ExecuteAsync_passes_a_null_input_through()
    {
        var node = Node.Create<OrderInput?, string>("maybe", (OrderInput? input, NodeContext _) => Task.FromResult(input is null ? "none" : "some"));

        Assert.Equal("none", await node.ExecuteAsync(null, Stubs.Context()));
    }

    [Fact]
    public async Task ExecuteAsync_reads_a_null_input_as_the_default_of_a_value_type()
    {
        var node = Node.Create<int, int>("increment", (int input, NodeContext _) => Task.FromResult(input + 1));

        Assert.Equal(1, await node.ExecuteAsync(null, Stubs.Context()));
        Assert.Equal(0, node.ResolveInput(new FlowState()));
    }

    [Fact]
    public async Task ExecuteAsync_rejects_an_input_of_another_type_naming_node_and_types()
    {
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => node.ExecuteAsync("not an order", Stubs.Context()));

        ProblemAssert.Mentions(error.Message, "'place-order'", "OrderInput", "String");
    }

    [Fact]
    public async Task ExecuteAsync_lets_the_function_error_propagate()
    {
        var node = Node.Create<OrderInput, OrderOutput>("place-order", (OrderInput _, NodeContext _) =>
            Task.FromException<OrderOutput>(new InvalidOperationException("payment declined")));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => node.ExecuteAsync(new OrderInput("o", 1), Stubs.Context()));

        Assert.Equal("payment declined", error.Message);
    }

    [Fact]
    public async Task ExecuteAsync_requires_a_context()
    {
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder);

        await Assert.ThrowsAsync<ArgumentNullException>(() => node.ExecuteAsync(new OrderInput("o", 1), null!));
    }

    [Fact]
    public void Builder_methods_reject_null_arguments()
    {
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder);

        Assert.Throws<ArgumentNullException>(() => node.As(null!));
        Assert.Throws<ArgumentNullException>(() => node.WithInput(null!));
        Assert.Throws<ArgumentNullException>(() => node.WithRetry(null!));
        Assert.Throws<ArgumentNullException>(() => node.WithSharedRateLimit(null!));
        Assert.Throws<ArgumentNullException>(() => node.OnError(null!));
        Assert.Throws<ArgumentNullException>(() => node.WithTaskQueue(null!));
        Assert.Throws<ArgumentNullException>(() => node.ResolveInput(null!));
    }

    [Fact]
    public void Describe_shows_only_the_name_and_types_for_a_default_node()
    {
        var node = Node.Create<OrderInput, OrderOutput>("place-order", PlaceOrder);

        Assert.Equal("place-order (OrderInput -> OrderOutput)", node.Describe());
        Assert.Equal(node.Describe(), node.ToString());
    }

    [Fact]
    public void Describe_lists_every_setting_that_differs_from_the_defaults()
    {
        var node = Node.Create<OrderInput, List<OrderOutput>>("enrich-jira", (OrderInput _, NodeContext _) => Task.FromResult(new List<OrderOutput>()))
            .As("jira-data")
            .WithTimeout(TimeSpan.FromMinutes(2))
            .WithRetry(new RetryPolicy { MaximumAttempts = 10 })
            .WithRateLimit(50, TimeSpan.FromMinutes(1))
            .WithSharedRateLimit(RateLimiter.Shared("external-api", 100, TimeSpan.FromHours(1)))
            .WithTaskQueue("enrichment-queue")
            .OnError(Stubs.Text("undo-jira"));

        Assert.Equal(
            "enrich-jira -> 'jira-data' (OrderInput -> List<OrderOutput>) [timeout 2m, retry 10 attempts, 1s x2 <= 1m, rate 50/1m, " +
            "shared rate 'external-api: 100/1h', queue 'enrichment-queue', on error -> undo-jira]",
            node.Describe());
    }

    [Fact]
    public void NodeContext_exposes_what_it_was_created_with()
    {
        using var cancellation = new CancellationTokenSource();
        var runId = Guid.NewGuid();

        var context = new NodeContext(runId, "enrich-issues", "enrich-jira", 2, "key-1", cancellation.Token);

        Assert.Equal(runId, context.RunId);
        Assert.Equal("enrich-issues", context.FlowName);
        Assert.Equal("enrich-jira", context.NodeName);
        Assert.Equal(2, context.Attempt);
        Assert.Equal("key-1", context.IdempotencyKey);
        Assert.Equal(cancellation.Token, context.CancellationToken);
        Assert.Same(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, context.Logger);
    }

    [Fact]
    public void NodeContext_uses_the_given_logger()
    {
        var logger = Microsoft.Extensions.Logging.Abstractions.NullLogger<NodeTests>.Instance;

        var context = new NodeContext(Guid.NewGuid(), "f", "n", 1, "k", CancellationToken.None, logger);

        Assert.Same(logger, context.Logger);
    }

    [Fact]
    public void NodeContext_cancellation_token_reports_cancellation()
    {
        using var cancellation = new CancellationTokenSource();
        var context = Stubs.Context(cancellationToken: cancellation.Token);

        Assert.False(context.CancellationToken.IsCancellationRequested);
        cancellation.Cancel();
        Assert.True(context.CancellationToken.IsCancellationRequested);
    }

    [Fact]
    public void NodeContext_rejects_an_attempt_below_one_and_null_names()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeContext(Guid.NewGuid(), "f", "n", 0, "k", CancellationToken.None));
        Assert.Throws<ArgumentNullException>(() => new NodeContext(Guid.NewGuid(), null!, "n", 1, "k", CancellationToken.None));
        Assert.Throws<ArgumentNullException>(() => new NodeContext(Guid.NewGuid(), "f", null!, 1, "k", CancellationToken.None));
        Assert.Throws<ArgumentNullException>(() => new NodeContext(Guid.NewGuid(), "f", "n", 1, null!, CancellationToken.None));
    }

    [Fact]
    public void Idempotency_key_is_stable_per_run_and_node_and_differs_otherwise()
    {
        var runId = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff");

        var key = NodeContext.CreateIdempotencyKey(runId, "create-order");

        Assert.Equal("6f9619ff8b86d011b42d00c04fc964ff/create-order", key);
        Assert.Equal(key, NodeContext.CreateIdempotencyKey(runId, "create-order"));
        Assert.NotEqual(key, NodeContext.CreateIdempotencyKey(runId, "create-invoice"));
        Assert.NotEqual(key, NodeContext.CreateIdempotencyKey(Guid.NewGuid(), "create-order"));
    }
}
