// Sample "fulfill-order" — the seed's Error Handling in Parallel Steps: create-order, create-invoice and create-shipment
// in parallel, each with its compensation, then notify-customer. With the run input's FailShipment (console:
// --fail-shipment), create-shipment fails after the other two completed: the run compensates them in reverse completion
// order (void-invoice, then cancel-order) and ends Failed with the shipment's error.
//   dotnet run --project src/Samples/Resolute.Samples -- fulfill-order [--fail-shipment]
namespace Resolute.Samples.FulfillOrder;

/// <summary>Run input; the three <c>create-*</c> nodes read it directly. <paramref name="FailShipment"/> makes <c>create-shipment</c> fail.</summary>
public sealed record OrderRequest(string OrderId, int AmountCents, int Items, bool FailShipment = false);

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
/// The seed's parallel step with compensation: <c>create-order</c>, <c>create-invoice</c>, <c>create-shipment</c>
/// (step <c>create-all</c>), compensated by <c>cancel-order</c>, <c>void-invoice</c>, <c>cancel-shipment</c>; then
/// <c>notify-customer</c>.
/// </summary>
public static class FulfillOrderFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "fulfill-order";

    /// <summary>The error message of <c>create-shipment</c> when the run input asks it to fail.</summary>
    public const string ShipmentFailure = "The carrier rejected the shipment (simulated: FailShipment was set).";

    /// <summary>The nodes of a successful run, in plan order.</summary>
    public static IReadOnlyList<string> NodeNames { get; } = ["create-order", "create-invoice", "create-shipment", "notify-customer"];

    /// <summary>The compensation nodes.</summary>
    public static IReadOnlyList<string> CompensationNames { get; } = ["cancel-order", "void-invoice", "cancel-shipment"];

    /// <summary>Builds the flow; <paramref name="work"/> sets the simulated latencies and output (default: as written, silent).</summary>
    public static Flow Build(SimulatedWork? work = null)
    {
        work ??= new SimulatedWork();
        var cancelOrder = Compensation(work, "cancel-order", s => s.Get<OrderCreated>("create-order").OrderRef);
        var voidInvoice = Compensation(work, "void-invoice", s => s.Get<InvoiceCreated>("create-invoice").InvoiceRef);
        var cancelShipment = Compensation(work, "cancel-shipment", s => s.Get<ShipmentCreated>("create-shipment").ShipmentRef);

        // Latencies order the completions (order, then invoice, then shipment), so a failing shipment comes last.
        var createOrder = Node.Create<OrderRequest, OrderCreated>("create-order", (r, ctx) => work.RunAsync(ctx, 300, () =>
                new OrderCreated($"ord-{r.OrderId}", r.AmountCents)))
            .OnError(cancelOrder);
        var createInvoice = Node.Create<OrderRequest, InvoiceCreated>("create-invoice", (r, ctx) => work.RunAsync(ctx, 500, () =>
                new InvoiceCreated($"inv-{r.OrderId}", r.AmountCents * 6 / 5)))
            .OnError(voidInvoice);
        var createShipment = Node.Create<OrderRequest, ShipmentCreated>("create-shipment", (r, ctx) => work.RunAsync(ctx, 800, () => CreateShipment(r)))
            .OnError(cancelShipment);
        var notify = Node.Create<FulfilmentSummary, CustomerNotification>("notify-customer", (s, ctx) => work.RunAsync(ctx, 100, () =>
                new CustomerNotification($"{s.Order.OrderRef} invoiced {s.Invoice.InvoiceRef} for {s.Invoice.TotalCents} cents, {s.Shipment.Parcels} parcel(s) in {s.Shipment.ShipmentRef}")))
            .WithInput(s => new FulfilmentSummary(s.Get<OrderCreated>("create-order"), s.Get<InvoiceCreated>("create-invoice"), s.Get<ShipmentCreated>("create-shipment")));

        return Flow.Create(Name)
            .TriggeredBy(Trigger.Manual("api"))
            .ThenParallel("create-all", createOrder, createInvoice, createShipment)
            .Then(notify)
            .Build();
    }

    private static ShipmentCreated CreateShipment(OrderRequest request) =>
        request.FailShipment
            ? throw new NonRetryableException(ShipmentFailure) // not retried: the run fails and compensates at once
            : new ShipmentCreated($"shp-{request.OrderId}", (request.Items + 1) / 2);

    private static Node<Undo, Undo> Compensation(SimulatedWork work, string name, Func<FlowState, string> reference) =>
        Node.Create<Undo, Undo>(name, (undo, ctx) => work.RunAsync(ctx, 200, () => new Undo($"undone:{undo.Reference}")))
            .WithInput(s => new Undo(reference(s)));
}
