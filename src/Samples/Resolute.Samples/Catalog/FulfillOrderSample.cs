using Resolute.Contracts;
using Resolute.Samples.FulfillOrder;

namespace Resolute.Samples;

internal sealed class FulfillOrderSample : ISample
{
    private static readonly Dictionary<string, string> CompensationOf = new(StringComparer.Ordinal)
    {
        ["create-order"] = "cancel-order",
        ["create-invoice"] = "void-invoice",
        ["create-shipment"] = "cancel-shipment",
    };

    public string Name => FulfillOrderFlow.Name;

    public string Summary => "order, invoice and shipment in parallel, each with a compensation; --fail-shipment compensates";

    public IReadOnlyList<SampleOption> Options { get; } = [new("fail-shipment", null, "create-shipment fails: the run compensates the others and ends Failed")];

    public Flow Build(SimulatedWork work, SampleArguments args) => FulfillOrderFlow.Build(work);

    public async Task<SampleVerdict> RunAsync(SampleSession session, SampleArguments args, CancellationToken cancellationToken)
    {
        var failShipment = args.Has("fail-shipment");
        var run = await session.RunAsync(Name, new OrderRequest("A17", 2500, 3, failShipment), failShipment ? "with create-shipment set to fail" : "by hand", cancellationToken);
        session.Line();
        var compensations = session.PrintCompensations(run);
        if (!failShipment)
        {
            if (run.Status == RunStatus.Completed)
            {
                session.Line($"  notify-customer: {run.State.Get<CustomerNotification>("notify-customer").Message}");
            }

            return SampleVerdict.Expect(run.Status == RunStatus.Completed && compensations.Count == 0, "completed; no compensation ran");
        }

        // The compensations run for the nodes that completed, in reverse completion order.
        var completed = run.History
            .Where(e => !e.IsCompensation && e.Outcome == NodeExecutionOutcome.Completed && CompensationOf.ContainsKey(e.NodeName))
            .OrderBy(e => e.EndedAt)
            .Select(e => e.NodeName)
            .ToList();
        var expected = completed.AsEnumerable().Reverse().Select(n => CompensationOf[n]).ToList();
        session.Line($"  completed before the failure, in order: {string.Join(", ", completed)}; so expected to undo: {string.Join(" -> ", expected)}");
        session.Line($"  run error: {run.Error}");
        var allRan = run.History.Where(e => e.IsCompensation).All(e => e.Outcome == NodeExecutionOutcome.Completed);
        return SampleVerdict.Expect(
            run.Status == RunStatus.Failed
                && run.Error?.Error.Message == FulfillOrderFlow.ShipmentFailure
                && expected.Count > 0
                && compensations.SequenceEqual(expected)
                && allRan,
            "failed with the shipment's error; the completed nodes were compensated in reverse completion order");
    }
}
