using Resolute.Contracts;
using Resolute.Samples.FulfillOrder;
using Resolute.TestFlows;

namespace Resolute.Testing.Tests.Samples;

/// <summary>
/// The seed's fulfill-order example, unit-tested with <see cref="FlowTester"/>: order, invoice and shipment are created in
/// parallel, each with its compensation, then the customer is notified.
/// </summary>
[Trait("Area", "Testing")]
public sealed class FulfillOrderFlowTests
{
    private static readonly OrderRequest Order = new("42", 1000, 3);

    private static readonly Dictionary<string, string> CompensationOf = new(StringComparer.Ordinal)
    {
        ["create-order"] = "cancel-order",
        ["create-invoice"] = "void-invoice",
        ["create-shipment"] = "cancel-shipment",
    };

    [Fact]
    public async Task Completes_with_every_output_in_the_state_and_no_compensation()
    {
        var run = await new FlowTester(SeedSampleFlows.FulfillOrder).RunAsync(Order);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Null(run.Error);
        Assert.Equal(["create-order", "create-invoice", "create-shipment", "notify-customer"], run.NodeOrder);
        Assert.Equal("notify-customer", run.CompletionOrder[^1]);
        Assert.Empty(run.Compensations);
        Assert.Equal(new InvoiceCreated("inv-42", 1200), run.State.Get<InvoiceCreated>("create-invoice"));
        Assert.Equal(new ShipmentCreated("shp-42", 2), run.State.Get<ShipmentCreated>("create-shipment"));
        Assert.Equal("ord-42 invoiced inv-42 for 1200 cents, 2 parcel(s) in shp-42", run.State.Get<CustomerNotification>("notify-customer").Message);
        Assert.IsType<FlowRunStarted>(run.Events[0]);
        Assert.IsType<FlowRunCompleted>(run.Events[^1]);
        Assert.Equal(TimeSpan.Zero, run.Elapsed);
    }

    [Fact]
    public async Task When_create_shipment_fails_for_good_the_run_fails_and_the_completed_nodes_are_compensated_in_reverse_completion_order()
    {
        var run = await new FlowTester(SeedSampleFlows.FulfillOrder)
            .FailAlways("create-shipment", new InvalidOperationException("carrier down"))
            .RunAsync(Order);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("create-shipment", run.Error?.NodeName);
        Assert.Equal("carrier down", run.Error?.Error.Message);
        Assert.Equal(typeof(InvalidOperationException).FullName, run.Error?.Error.Type);

        // The default policy: 3 attempts, 1 s then 2 s apart (virtual time).
        var shipments = run.ExecutionsOf("create-shipment");
        Assert.Equal([1, 2, 3], shipments.Select(e => e.Attempt));
        Assert.All(shipments, e => Assert.Equal(NodeExecutionOutcome.Failed, e.Outcome));
        Assert.Equal([run.StartedAt, run.StartedAt.AddSeconds(1), run.StartedAt.AddSeconds(3)], shipments.Select(e => e.StartedAt));

        Assert.Equal(["create-invoice", "create-order"], run.CompletionOrder.Order(StringComparer.Ordinal));
        Assert.Equal(run.CompletionOrder.Reverse().Select(n => CompensationOf[n]), run.Compensations);
        Assert.DoesNotContain("cancel-shipment", run.Compensations);
        Assert.DoesNotContain("notify-customer", run.NodeOrder);
        Assert.Equal(2, run.EventsOf<FlowRunCompensationCompleted>().Count);
        Assert.Equal("create-order", run.EventsOf<FlowRunCompensationCompleted>().Single(e => e.CompensationNode == "cancel-order").ForNode);
        Assert.IsType<FlowRunFailed>(run.Events[^1]);
    }

    [Fact]
    public async Task A_shipment_that_fails_once_is_retried_and_the_order_completes()
    {
        var run = await new FlowTester(SeedSampleFlows.FulfillOrder)
            .FailOn("create-shipment", attempt: 1, new InvalidOperationException("carrier down"))
            .RunAsync(Order);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal([NodeExecutionOutcome.Failed, NodeExecutionOutcome.Completed], run.ExecutionsOf("create-shipment").Select(e => e.Outcome));
        Assert.Empty(run.Compensations);
        Assert.Equal(TimeSpan.FromSeconds(1), run.Elapsed);
    }
}
