namespace Resolute.TestFlows;

/// <summary>Run input of <see cref="FulfillOrderFlow"/>; the three <c>create-*</c> nodes read it directly.</summary>
public sealed record OrderRequest(string OrderId, int AmountCents, int Items);

/// <summary>Output of <c>create-order</c>: <c>ord-{id}</c>.</summary>
public sealed record OrderCreated(string OrderRef, int AmountCents);

/// <summary>Output of <c>create-invoice</c>: <c>inv-{id}</c>, amount plus 20 % tax.</summary>
public sealed record InvoiceCreated(string InvoiceRef, int TotalCents);

/// <summary>Output of <c>create-shipment</c>: <c>shp-{id}</c>, one parcel per two items.</summary>
public sealed record ShipmentCreated(string ShipmentRef, int Parcels);

/// <summary>Input and output of the compensations: what was undone.</summary>
public sealed record Undo(string Reference);

/// <summary>Input of <c>notify-customer</c>.</summary>
public sealed record FulfilmentSummary(OrderCreated Order, InvoiceCreated Invoice, ShipmentCreated Shipment);

/// <summary>Output of <c>notify-customer</c>.</summary>
public sealed record CustomerNotification(string Message);

/// <summary>
/// The seed's "Error Handling in Parallel Steps" shape: <c>create-order</c>, <c>create-invoice</c>, <c>create-shipment</c>
/// in parallel (step <c>create-all</c>), each with its compensation (<c>cancel-order</c>, <c>void-invoice</c>,
/// <c>cancel-shipment</c>), then <c>notify-customer</c>. The scenarios run the happy path: no compensation runs.
/// </summary>
public static class FulfillOrderFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "fulfill-order";

    /// <summary>The compensation nodes.</summary>
    public static IReadOnlyList<string> CompensationNames { get; } = ["cancel-order", "void-invoice", "cancel-shipment"];

    /// <summary>The definition.</summary>
    public static Flow Definition { get; } = Build();

    private static Flow Build()
    {
        var cancelOrder = Node.Create<Undo, Undo>("cancel-order", UndoAsync).WithInput(s => new Undo(s.Get<OrderCreated>("create-order").OrderRef));
        var voidInvoice = Node.Create<Undo, Undo>("void-invoice", UndoAsync).WithInput(s => new Undo(s.Get<InvoiceCreated>("create-invoice").InvoiceRef));
        var cancelShipment = Node.Create<Undo, Undo>("cancel-shipment", UndoAsync).WithInput(s => new Undo(s.Get<ShipmentCreated>("create-shipment").ShipmentRef));

        var createOrder = Node.Create<OrderRequest, OrderCreated>("create-order", CreateOrderAsync).OnError(cancelOrder);
        var createInvoice = Node.Create<OrderRequest, InvoiceCreated>("create-invoice", CreateInvoiceAsync).OnError(voidInvoice);
        var createShipment = Node.Create<OrderRequest, ShipmentCreated>("create-shipment", CreateShipmentAsync).OnError(cancelShipment);
        var notify = Node.Create<FulfilmentSummary, CustomerNotification>("notify-customer", NotifyAsync)
            .WithInput(s => new FulfilmentSummary(s.Get<OrderCreated>("create-order"), s.Get<InvoiceCreated>("create-invoice"), s.Get<ShipmentCreated>("create-shipment")));

        return Flow.Create(Name)
            .TriggeredBy(Trigger.Manual("api"))
            .ThenParallel("create-all", createOrder, createInvoice, createShipment)
            .Then(notify)
            .Build();
    }

    private static Task<OrderCreated> CreateOrderAsync(OrderRequest request, NodeContext context) =>
        Task.FromResult(new OrderCreated($"ord-{request.OrderId}", request.AmountCents));

    private static Task<InvoiceCreated> CreateInvoiceAsync(OrderRequest request, NodeContext context) =>
        Task.FromResult(new InvoiceCreated($"inv-{request.OrderId}", request.AmountCents * 6 / 5));

    private static Task<ShipmentCreated> CreateShipmentAsync(OrderRequest request, NodeContext context) =>
        Task.FromResult(new ShipmentCreated($"shp-{request.OrderId}", (request.Items + 1) / 2));

    private static Task<Undo> UndoAsync(Undo undo, NodeContext context) => Task.FromResult(new Undo($"undone:{undo.Reference}"));

    private static Task<CustomerNotification> NotifyAsync(FulfilmentSummary summary, NodeContext context) =>
        Task.FromResult(new CustomerNotification(
            $"{summary.Order.OrderRef} invoiced {summary.Invoice.InvoiceRef} for {summary.Invoice.TotalCents} cents, {summary.Shipment.Parcels} parcel(s) in {summary.Shipment.ShipmentRef}"));
}
