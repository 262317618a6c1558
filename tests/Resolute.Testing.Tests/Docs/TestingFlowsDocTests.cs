using Microsoft.Extensions.DependencyInjection;
using Resolute.Contracts;

namespace Resolute.Testing.Tests.Docs;

// The examples of docs/testing-flows.md, as tests: the page shows this code, so it compiles and passes as shown.

public sealed record OrderInput(string OrderId, int Cents);

public sealed record Reservation(string Id);

public sealed record Payment(string Id);

public sealed record Shipment(string Id);

public static class ShipOrderFlow
{
    public static Flow Definition { get; } = Build();

    private static Flow Build()
    {
        var release = Node.Create<Reservation, Reservation>("release-stock", (r, ctx) => Task.FromResult(r))
            .WithInput(state => state.Get<Reservation>("reserve-stock"));
        var refund = Node.Create<Payment, Payment>("refund-card", (p, ctx) => Task.FromResult(p))
            .WithInput(state => state.Get<Payment>("charge-card"));

        var reserve = Node.Create<OrderInput, Reservation>("reserve-stock", (o, ctx) => Task.FromResult(new Reservation($"res-{o.OrderId}")))
            .OnError(release);
        var charge = Node.Create<OrderInput, Payment>("charge-card", (o, ctx) => Task.FromResult(new Payment($"pay-{o.OrderId}")))
            .WithRetry(new RetryPolicy { InitialInterval = TimeSpan.FromSeconds(5), BackoffCoefficient = 2, MaximumAttempts = 3 })
            .OnError(refund);
        var ship = Node.Create<OrderInput, Shipment>("create-shipment", (o, ctx) => Task.FromResult(new Shipment($"shp-{o.OrderId}")))
            .WithTimeout(TimeSpan.FromMinutes(1))
            .WithRetry(new RetryPolicy { MaximumAttempts = 1 });

        return Flow.Create("ship-order")
            .TriggeredBy(Trigger.Manual("api"))
            .ThenParallel("prepare", reserve, charge)
            .Then(ship)
            .Build();
    }
}

[Trait("Area", "Testing")]
public sealed partial class ShipOrderFlowTests
{
    [Fact]
    public async Task Ships_the_order()
    {
        var run = await new FlowTester(ShipOrderFlow.Definition).RunAsync(new OrderInput("42", 1999));

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(["reserve-stock", "charge-card", "create-shipment"], run.NodeOrder);
        Assert.Equal(new Shipment("shp-42"), run.State.Get<Shipment>("create-shipment"));
        Assert.Empty(run.Compensations);
    }

    [Fact]
    public async Task Uses_a_fake_payment_provider()
    {
        var run = await new FlowTester(ShipOrderFlow.Definition)
            .Override("charge-card", (OrderInput order, NodeContext ctx) => Task.FromResult(new Payment("fake-payment")))
            .RunAsync(new OrderInput("42", 1999));

        Assert.Equal(new Payment("fake-payment"), run.State.Get<Payment>("charge-card"));
    }

    [Fact]
    public async Task Retries_a_declined_charge_after_its_back_off()
    {
        var run = await new FlowTester(ShipOrderFlow.Definition)
            .FailOn("charge-card", attempt: 1, new HttpRequestException("gateway timeout"))
            .RunAsync(new OrderInput("42", 1999));

        Assert.Equal(RunStatus.Completed, run.Status);
        var charges = run.ExecutionsOf("charge-card");
        Assert.Equal([NodeExecutionOutcome.Failed, NodeExecutionOutcome.Completed], charges.Select(e => e.Outcome));
        Assert.Equal(run.StartedAt + TimeSpan.FromSeconds(5), charges[1].StartedAt);   // virtual time
    }

    [Fact]
    public async Task Compensates_in_reverse_completion_order_when_shipping_fails()
    {
        var run = await new FlowTester(ShipOrderFlow.Definition)
            .FailAlways("create-shipment", new InvalidOperationException("carrier down"))
            .RunAsync(new OrderInput("42", 1999));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("create-shipment", run.Error?.NodeName);
        Assert.Equal("carrier down", run.Error?.Error.Message);
        var undo = new Dictionary<string, string> { ["reserve-stock"] = "release-stock", ["charge-card"] = "refund-card" };
        Assert.Equal(run.CompletionOrder.Reverse().Select(n => undo[n]), run.Compensations);
    }

    [Fact]
    public async Task Waits_for_the_retry_then_completes()
    {
        await using var run = await new FlowTester(ShipOrderFlow.Definition)
            .FailOn("charge-card", attempt: 1, new HttpRequestException("gateway timeout"))
            .StartAsync(new OrderInput("42", 1999));

        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Equal(run.StartedAt + TimeSpan.FromSeconds(5), run.NextWakeAt);

        await run.AdvanceAsync(TimeSpan.FromSeconds(4));
        Assert.Single(run.ExecutionsOf("charge-card"), e => e.Outcome == NodeExecutionOutcome.Failed);

        await run.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(RunStatus.Completed, run.Status);
    }

    [Fact]
    public async Task Times_out_a_carrier_that_never_answers()
    {
        var run = await new FlowTester(ShipOrderFlow.Definition)
            .Override("create-shipment", async (OrderInput order, NodeContext ctx) =>
            {
                await Task.Delay(Timeout.Infinite, ctx.CancellationToken);   // fires at the node's timeout
                return new Shipment("never");
            })
            .RunAsync(new OrderInput("42", 1999));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(ErrorTypes.NodeTimeout, run.Error?.Error.Type);
        Assert.Equal(TimeSpan.FromMinutes(1), run.Elapsed);
    }

    [Fact]
    public async Task Cancels_while_shipping()
    {
        await using var run = await new FlowTester(ShipOrderFlow.Definition)
            .Override("create-shipment", async (OrderInput order, NodeContext ctx) =>
            {
                await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
                return new Shipment("never");
            })
            .StartAsync(new OrderInput("42", 1999));
        Assert.Equal(["create-shipment"], run.RunningNodes);

        await run.CancelAsync("customer cancelled");
        await run.RunToEndAsync();

        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Equal(2, run.Compensations.Count);
    }
}

public interface IPriceList
{
    int PriceOf(string orderId);
}

public sealed record Quote(int Cents);

public sealed class QuoteNode(IPriceList prices) : INode<OrderInput, Quote>
{
    public Task<Quote> ExecuteAsync(OrderInput input, NodeContext context) => Task.FromResult(new Quote(prices.PriceOf(input.OrderId)));
}

public sealed class FixedPrices : IPriceList
{
    public int PriceOf(string orderId) => 500;
}

[Trait("Area", "Testing")]
public sealed class QuoteFlowTests
{
    [Fact]
    public async Task Quotes_from_a_test_price_list()
    {
        var flow = Flow.Create("quote")
            .TriggeredBy(Trigger.Manual("api"))
            .Then(Node.Create<QuoteNode, OrderInput, Quote>("quote"))
            .Build();

        var run = await new FlowTester(flow)
            .ConfigureServices(services => services.AddSingleton<IPriceList, FixedPrices>())
            .RunAsync(new OrderInput("42", 0));

        Assert.Equal(new Quote(500), run.State.Get<Quote>("quote"));
    }
}
