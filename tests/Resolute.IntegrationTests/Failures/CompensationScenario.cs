using Resolute.Client;
using Resolute.Contracts;
using Resolute.IntegrationTests.Hosting;
using Resolute.TestFlows;
using Xunit.Abstractions;
using static Resolute.IntegrationTests.Failures.FailureProbes;

namespace Resolute.IntegrationTests.Failures;

/// <summary>
/// BRIEF §3 failure rules 1–4 across processes: the step fails at the first error and nothing new is dispatched;
/// every completed node with a compensation — a parallel sibling finishing after the failure included — is compensated
/// one at a time in reverse completion order, with its own node's output; the failing node is not compensated; the
/// run ends Failed with the original error, or CompensationFailed with both errors when a compensation fails for good.
/// </summary>
[Trait("Area", "Failures")]
[Collection(SharedFailuresCluster.Name)]
public sealed class CompensationScenario(FailuresCluster cluster, ITestOutputHelper output)
    : EngineScenario<FailuresCluster>(cluster, output)
{
    [Fact]
    public async Task Fulfill_order_shipment_failure_compensates_invoice_then_order_one_at_a_time_and_fails_with_the_shipment_error()
    {
        var script = Script("F1",
            ("create-order", new NodeScript(DelayMs: 100)),
            ("create-invoice", new NodeScript(DelayMs: 300)),
            ("create-shipment", new NodeScript(DelayMs: 600, FailAttempts: 1, Failure: NodeScript.NonRetryable)));

        var run = await Cluster.RunAsync(FailureFlows.FulfillOrder.Name, script);

        Output.WriteLine(Timeline(run));

        run.AssertStatus(RunStatus.Failed);
        AssertThrown(run.Error, "failing-fulfill-order", "create-all", "create-shipment", 1, "Resolute.NonRetryableException", script.FailureMessage("create-shipment", 1));
        Assert.Empty(run.Snapshot.CompensationErrors);

        var order = run.Once("create-order", NodeExecutionOutcome.Completed);
        var invoice = run.Once("create-invoice", NodeExecutionOutcome.Completed);
        var shipment = run.Once("create-shipment", NodeExecutionOutcome.Failed);
        AssertThrown(shipment.Error, "Resolute.NonRetryableException", script.FailureMessage("create-shipment", 1));
        Assert.True(order.EndedAt < invoice.EndedAt && invoice.EndedAt < shipment.EndedAt, "order, invoice, shipment should have ended in that order");

        // Reverse completion order, one at a time, only after the step had nothing running any more.
        var compensations = run.History.Where(e => e.IsCompensation).OrderBy(e => e.DispatchedAt).ToList();
        Assert.Equal(["void-invoice", "cancel-order"], compensations.Select(c => c.NodeName));
        Assert.All(compensations, c => Assert.Equal((1, NodeExecutionOutcome.Completed, "create-all"), (c.Attempt, c.Outcome, c.StepName)));
        Assert.True(compensations[0].DispatchedAt >= shipment.EndedAt, "void-invoice was dispatched before create-shipment failed");
        Assert.True(compensations[1].DispatchedAt >= compensations[0].EndedAt, "cancel-order was dispatched while void-invoice still ran");
        Assert.DoesNotContain(run.History, e => e.NodeName is "cancel-shipment" or "notify-customer");

        // Each compensation received its own node's output from FlowState.
        var received = Cluster.Probes(run.RunId).Where(p => p.What == "received").ToDictionary(p => p.Node, p => p.Detail, StringComparer.Ordinal);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["void-invoice"] = new Created("create-invoice", "inv-F1", 1).ToString(),
                ["cancel-order"] = new Created("create-order", "ord-F1", 1).ToString(),
            },
            received);
        Assert.Equal(new Created("create-order", "ord-F1", 1), run.State.Get<Created>("create-order"));
        Assert.Equal(new Created("create-invoice", "inv-F1", 1), run.State.Get<Created>("create-invoice"));
        Assert.False(run.State.Has("create-shipment"));
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task Sequential_saga_third_node_failing_after_its_retries_compensates_the_second_then_the_first_only()
    {
        var script = Script("S1", ("saga-3", new NodeScript(FailAttempts: 99)));

        var run = await Cluster.RunAsync(FailureFlows.SequentialSaga.Name, script);

        Output.WriteLine(Timeline(run));

        run.AssertStatus(RunStatus.Failed);
        AssertThrown(run.Error, "failing-sequential-saga", "saga-3", "saga-3", 3, typeof(ScriptedTransientException).FullName!, script.FailureMessage("saga-3", 3));
        Assert.Empty(run.Snapshot.CompensationErrors);
        run.Once("saga-1", NodeExecutionOutcome.Completed);
        run.Once("saga-2", NodeExecutionOutcome.Completed);
        var third = run.Attempts("saga-3");
        Assert.Equal([1, 2, 3], third.Select(a => a.Attempt));
        Assert.All(third, a => AssertThrown(a.Error, typeof(ScriptedTransientException).FullName!, script.FailureMessage("saga-3", a.Attempt)));

        var compensations = run.History.Where(e => e.IsCompensation).OrderBy(e => e.DispatchedAt).ToList();
        Assert.Equal(["undo-2", "undo-1"], compensations.Select(c => c.NodeName));
        Assert.All(compensations, c => Assert.Equal(NodeExecutionOutcome.Completed, c.Outcome));
        Assert.True(compensations[0].DispatchedAt >= third[^1].EndedAt, "undo-2 was dispatched before saga-3's last attempt failed");
        Assert.True(compensations[1].DispatchedAt >= compensations[0].EndedAt, "undo-1 was dispatched while undo-2 still ran");
        Assert.DoesNotContain(run.History, e => e.NodeName is "saga-4" or "undo-3" or "undo-4");
        Assert.Equal(
            [("undo-2", new Created("saga-2", "res2-S1", 1).ToString()), ("undo-1", new Created("saga-1", "res1-S1", 1).ToString())],
            Cluster.Probes(run.RunId).Where(p => p.What == "received").Select(p => (p.Node, p.Detail)));
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task Parallel_sibling_completing_after_the_failure_is_awaited_and_compensated_first()
    {
        // create-invoice completes at once, create-shipment fails at 100 ms, create-order completes only at 1.5 s.
        var script = Script("P1",
            ("create-order", new NodeScript(DelayMs: 1500)),
            ("create-shipment", new NodeScript(DelayMs: 100, FailAttempts: 1, Failure: NodeScript.Permanent)));

        var run = await Cluster.RunAsync(FailureFlows.FulfillOrder.Name, script);

        Output.WriteLine(Timeline(run));

        run.AssertStatus(RunStatus.Failed);
        AssertThrown(run.Error, "failing-fulfill-order", "create-all", "create-shipment", 1, typeof(ScriptedPermanentException).FullName!, script.FailureMessage("create-shipment", 1));
        var order = run.Once("create-order", NodeExecutionOutcome.Completed);
        var invoice = run.Once("create-invoice", NodeExecutionOutcome.Completed);
        var shipment = run.Once("create-shipment", NodeExecutionOutcome.Failed);
        Assert.True(order.EndedAt > shipment.EndedAt, "create-order should have completed after create-shipment failed");
        Assert.True(invoice.EndedAt < shipment.EndedAt, "create-invoice should have completed before create-shipment failed");

        var compensations = run.History.Where(e => e.IsCompensation).OrderBy(e => e.DispatchedAt).ToList();
        Assert.Equal(["cancel-order", "void-invoice"], compensations.Select(c => c.NodeName));
        Assert.All(compensations, c => Assert.Equal(NodeExecutionOutcome.Completed, c.Outcome));
        Assert.True(compensations[0].DispatchedAt >= order.EndedAt, "compensation started while create-order still ran");
        Assert.True(compensations[1].DispatchedAt >= compensations[0].EndedAt, "void-invoice was dispatched while cancel-order still ran");
        Assert.DoesNotContain(run.History, e => e.NodeName is "cancel-shipment" or "notify-customer");
        Assert.Equal(new Created("create-order", "ord-P1", 1).ToString(), Cluster.Probes(run.RunId).Single(p => p.Node == "cancel-order" && p.What == "received").Detail);
        await Cluster.AssertNoFaultedMessagesAsync();
    }

    [Fact]
    public async Task Compensation_failing_after_its_retries_does_not_stop_the_others_and_the_run_ends_CompensationFailed_with_both_errors()
    {
        var script = Script("C1",
            ("saga-3", new NodeScript(FailAttempts: 1, Failure: NodeScript.NonRetryable)),
            ("undo-2", new NodeScript(FailAttempts: 99)));

        var run = await Cluster.RunAsync(FailureFlows.SequentialSaga.Name, script);

        Output.WriteLine(Timeline(run));

        run.AssertStatus(RunStatus.CompensationFailed);
        AssertThrown(run.Error, "failing-sequential-saga", "saga-3", "saga-3", 1, "Resolute.NonRetryableException", script.FailureMessage("saga-3", 1));
        var compensationError = Assert.Single(run.Snapshot.CompensationErrors);
        AssertThrown(compensationError, "failing-sequential-saga", "saga-2", "undo-2", 3, typeof(ScriptedTransientException).FullName!, script.FailureMessage("undo-2", 3));

        var undo2 = run.Attempts("undo-2");
        Assert.Equal([1, 2, 3], undo2.Select(a => a.Attempt));
        Assert.All(undo2, a => Assert.True(a.IsCompensation && a.Outcome == NodeExecutionOutcome.Failed, $"undo-2 #{a.Attempt} is {a.Outcome}"));
        var undo1 = run.Once("undo-1", NodeExecutionOutcome.Completed);
        Assert.True(undo1.DispatchedAt >= undo2[^1].EndedAt, "undo-1 was dispatched before undo-2 had failed for good");
        Assert.DoesNotContain(run.History, e => e.NodeName is "saga-4" or "undo-3" or "undo-4");
        await Cluster.AssertNoFaultedMessagesAsync();
    }
}
