using Resolute.Contracts;
using Resolute.Orchestration.Tests.TestSupport;

namespace Resolute.Orchestration.Tests.Failures;

/// <summary>BRIEF §3 "Failure", rules 1–4: first error fails the step, running siblings are awaited, completed nodes are compensated in reverse completion order, the run ends with the original error.</summary>
[Trait("Area", "Failures")]
public sealed class CompensationTests
{
    /// <summary>The seed's fulfill-order flow: three nodes in parallel, each with a compensation, then a notification.</summary>
    private static Flow FulfillOrder(Node? cancelOrder = null) => Stubs.ManualFlow("fulfill-order")
        .ThenParallel("create-all",
            Stubs.Node("create-order").OnError(cancelOrder ?? Stubs.Node("cancel-order")),
            Stubs.Node("create-invoice").OnError(Stubs.Node("void-invoice")),
            Stubs.Node("create-shipment").OnError(Stubs.Node("cancel-shipment")))
        .Then(Stubs.Node("notify-customer"))
        .Build();

    private static Flow FourSteps() => Stubs.ManualFlow("four")
        .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one")))
        .Then(Stubs.Node("two").OnError(Stubs.Node("undo-two")))
        .Then(Stubs.Node("three").OnError(Stubs.Node("undo-three")))
        .Then(Stubs.Node("four").OnError(Stubs.Node("undo-four")))
        .Build();

    [Fact]
    public void The_step_fails_at_the_first_error_and_nothing_new_is_dispatched()
    {
        var sim = RunSimulator.For(FulfillOrder());
        sim.Start(new Text("order-1"));

        var decision = sim.Fail("create-shipment", retryable: false);

        Assert.Empty(decision.Dispatches);
        Assert.Equal(0, sim.DispatchCount("notify-customer"));
        Assert.True(sim.Progress.StepFailed);
        Assert.Equal("create-shipment", sim.Error!.NodeName);
    }

    [Fact]
    public void Running_siblings_are_awaited_before_any_compensation_is_dispatched()
    {
        var sim = RunSimulator.For(FulfillOrder());
        sim.Start(new Text("order-1"));

        sim.Fail("create-shipment", retryable: false);
        Assert.Equal(["create-order", "create-invoice"], sim.PendingNodes);
        Assert.Equal(RunStatus.Running, sim.Status);

        sim.Complete("create-order", new Text("O-1"));
        Assert.Empty(sim.JustDispatched);
        Assert.Empty(sim.DispatchedCompensations);

        sim.Complete("create-invoice", new Text("I-1"));
        Assert.Equal(["void-invoice"], sim.JustDispatched);
        Assert.Equal(RunStatus.Compensating, sim.Status);
    }

    [Fact]
    public void Seed_fulfill_order_shipment_fails_cancel_order_and_void_invoice_run_in_reverse_completion_order()
    {
        var sim = RunSimulator.For(FulfillOrder());
        sim.Start(new Text("order-1"));
        sim.Complete("create-order", new Text("O-1"));
        sim.Complete("create-invoice", new Text("I-1"));

        sim.Fail("create-shipment", "Shipping.CarrierUnavailableException", retryable: false, message: "no carrier");
        Assert.Equal(["void-invoice"], sim.JustDispatched);
        Assert.Equal(RunStatus.Compensating, sim.Status);

        sim.Complete("void-invoice");
        Assert.Equal(["cancel-order"], sim.JustDispatched);

        sim.Complete("cancel-order");

        Assert.Equal(["void-invoice", "cancel-order"], sim.DispatchedCompensations);
        Assert.Equal(0, sim.DispatchCount("cancel-shipment"));
        Assert.Equal(0, sim.DispatchCount("notify-customer"));
        Assert.Equal(RunStatus.Failed, sim.Status);
        var error = sim.Error!;
        Assert.Equal("fulfill-order", error.FlowName);
        Assert.Equal("create-all", error.StepName);
        Assert.Equal("create-shipment", error.NodeName);
        Assert.Equal("Shipping.CarrierUnavailableException", error.Error.Type);
        Assert.Equal("no carrier", error.Error.Message);
    }

    [Fact]
    public void Compensations_run_one_at_a_time_in_reverse_completion_order_including_a_sibling_that_completed_after_the_failure()
    {
        var sim = RunSimulator.For(FulfillOrder());
        sim.Start(new Text("order-1"));
        sim.Complete("create-invoice", new Text("I-1"));

        sim.Fail("create-shipment", retryable: false);
        sim.Complete("create-order", new Text("O-1"));

        // create-order completed last (after the failure), so it is undone first.
        Assert.Equal(["cancel-order"], sim.JustDispatched);
        Assert.Equal(["cancel-order"], sim.PendingNodes);

        sim.Complete("cancel-order");
        Assert.Equal(["void-invoice"], sim.JustDispatched);
        sim.Complete("void-invoice");

        Assert.Equal(["cancel-order", "void-invoice"], sim.DispatchedCompensations);
        Assert.Equal(RunStatus.Failed, sim.Status);
    }

    [Fact]
    public void A_compensation_sees_the_state_including_its_own_nodes_output()
    {
        var cancelOrder = Stubs.Node("cancel-order").WithInput(s => new Text("cancel " + s.Get<Text>("create-order").Value));
        var sim = RunSimulator.For(FulfillOrder(cancelOrder));
        sim.Start(new Text("order-1"));
        sim.Complete("create-order", new Text("O-42"));
        sim.Complete("create-invoice", new Text("I-1"));
        sim.Fail("create-shipment", retryable: false);
        sim.Complete("void-invoice");

        var command = sim.PendingCommand("cancel-order");

        Assert.True(command.IsCompensation);
        Assert.Equal(new Text("cancel O-42"), RunSimulator.InputOf<Text>(command));
        Assert.Equal("create-all", command.StepName);
        Assert.Equal(1, command.Attempt);
        Assert.Equal($"{RunSimulator.DefaultRunId:N}/cancel-order", command.IdempotencyKey);
    }

    [Fact]
    public void The_failing_nodes_own_compensation_does_not_run()
    {
        var sim = RunSimulator.For(FourSteps());
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));

        sim.Fail("two", retryable: false);
        sim.Complete("undo-one");

        Assert.Equal(["undo-one"], sim.DispatchedCompensations);
        Assert.Equal(0, sim.DispatchCount("undo-two"));
        Assert.Equal(RunStatus.Failed, sim.Status);
    }

    [Fact]
    public void Four_sequential_nodes_third_fails_compensates_two_then_one()
    {
        var sim = RunSimulator.For(FourSteps());
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Complete("two", new Text("2"));

        sim.Fail("three", retryable: false);
        Assert.Equal(["undo-two"], sim.JustDispatched);
        sim.Complete("undo-two");
        Assert.Equal(["undo-one"], sim.JustDispatched);
        sim.Complete("undo-one");

        Assert.Equal(["one", "two", "three", "undo-two", "undo-one"], sim.DispatchedNodes);
        Assert.Equal(0, sim.DispatchCount("four"));
        Assert.Equal(0, sim.DispatchCount("undo-three"));
        Assert.Equal(0, sim.DispatchCount("undo-four"));
        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Equal("three", sim.Error!.NodeName);
    }

    [Fact]
    public void Completed_nodes_without_OnError_are_skipped_when_compensating()
    {
        var flow = Stubs.ManualFlow()
            .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one")))
            .Then(Stubs.Node("two"))
            .Then(Stubs.Node("three"))
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Complete("two", new Text("2"));

        sim.Fail("three", retryable: false);

        Assert.Equal(["undo-one"], sim.JustDispatched);
    }

    [Fact]
    public void A_failure_with_nothing_to_compensate_ends_the_run_Failed_at_once()
    {
        var sim = RunSimulator.For(Stubs.ManualFlow().Then(Stubs.Node("one")).Then(Stubs.Node("two")).Build());
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));

        var decision = sim.Fail("two", retryable: false);

        Assert.Equal(RunStatus.Failed, decision.Status);
        Assert.Empty(decision.Dispatches);
        Assert.Equal(RunStatus.Failed, sim.SingleEvent<FlowRunFailed>().Status);
    }

    [Fact]
    public void The_run_ends_Failed_with_the_original_error_flow_step_node_attempt_type_and_message()
    {
        var sim = RunSimulator.For(FourSteps());
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Time.Advance(TimeSpan.FromSeconds(3));

        sim.Fail("two", "Billing.CardDeclinedException", retryable: false, message: "card declined");
        sim.Complete("undo-one");

        Assert.Equal(RunStatus.Failed, sim.Status);
        var error = sim.Error!;
        Assert.Equal("four", error.FlowName);
        Assert.Equal("two", error.StepName);
        Assert.Equal("two", error.NodeName);
        Assert.Equal(1, error.Attempt);
        Assert.Equal("Billing.CardDeclinedException", error.Error.Type);
        Assert.Equal("card declined", error.Error.Message);
        Assert.Equal(ManualTimeProvider.Epoch.AddSeconds(3), error.OccurredAt);

        var failed = sim.SingleEvent<FlowRunFailed>();
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal(error, failed.Error);
        Assert.Empty(failed.CompensationErrors);
        Assert.Empty(sim.Events.OfType<FlowRunCompleted>());
        Assert.Contains("Billing.CardDeclinedException", sim.Run.ErrorSummary, StringComparison.Ordinal);
        Assert.NotNull(sim.Run.EndedAt);
    }

    [Fact]
    public void A_later_sibling_failure_does_not_replace_the_original_error()
    {
        var sim = RunSimulator.For(FulfillOrder());
        sim.Start(new Text("order-1"));

        sim.Fail("create-shipment", "First.Error", retryable: false);
        sim.Fail("create-order", "Second.Error", retryable: true);
        sim.Complete("create-invoice", new Text("I-1"));
        sim.Complete("void-invoice");

        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Equal("First.Error", sim.Error!.Error.Type);
        Assert.Equal("create-shipment", sim.Error.NodeName);
        Assert.Equal(1, sim.DispatchCount("create-order"));
        Assert.Equal(["void-invoice"], sim.DispatchedCompensations);
    }

    [Fact]
    public void A_compensation_that_fails_after_its_retries_does_not_stop_the_others_and_ends_CompensationFailed()
    {
        var flow = Stubs.ManualFlow("saga")
            .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one")))
            .Then(Stubs.Node("two").OnError(Stubs.Node("undo-two").WithRetry(Stubs.Retry(2))))
            .Then(Stubs.Node("three"))
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Complete("two", new Text("2"));
        sim.Fail("three", "Original.Error", retryable: false, message: "the original");

        sim.Fail("undo-two", "Undo.Error", message: "undo failed");
        Assert.Empty(sim.JustDispatched);
        sim.WakeWhenDue();
        Assert.Equal(["undo-two"], sim.JustDispatched);
        sim.Fail("undo-two", "Undo.Error", message: "undo failed again");

        Assert.Equal(["undo-one"], sim.JustDispatched);
        sim.Complete("undo-one");

        Assert.Equal(RunStatus.CompensationFailed, sim.Status);
        Assert.Equal(["undo-two", "undo-two", "undo-one"], sim.DispatchedCompensations);
        Assert.Equal("Original.Error", sim.Error!.Error.Type);
        var compensationError = Assert.Single(sim.Progress.CompensationErrors);
        Assert.Equal("undo-two", compensationError.NodeName);
        Assert.Equal(2, compensationError.Attempt);
        Assert.Equal("Undo.Error", compensationError.Error.Type);
        Assert.Equal("undo failed again", compensationError.Error.Message);

        var failed = sim.SingleEvent<FlowRunFailed>();
        Assert.Equal(RunStatus.CompensationFailed, failed.Status);
        Assert.Equal("Original.Error", failed.Error.Error.Type);
        Assert.Equal("Undo.Error", Assert.Single(failed.CompensationErrors).Error.Type);
    }

    [Fact]
    public void A_compensation_that_succeeds_on_retry_leaves_the_run_Failed_not_CompensationFailed()
    {
        var flow = Stubs.ManualFlow()
            .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one")))
            .Then(Stubs.Node("two"))
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Fail("two", retryable: false);

        sim.Fail("undo-one");
        sim.WakeWhenDue();
        sim.Complete("undo-one");

        Assert.Equal(RunStatus.Failed, sim.Status);
        Assert.Empty(sim.Progress.CompensationErrors);
        Assert.Equal(2, sim.DispatchCount("undo-one"));
    }

    [Fact]
    public void A_compensation_whose_input_cannot_be_computed_is_recorded_and_the_others_still_run()
    {
        var flow = Stubs.ManualFlow()
            .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one")))
            .Then(Stubs.Node("two").OnError(Stubs.Node("undo-two").WithInput(_ => throw new InvalidOperationException("no way to undo"))))
            .Then(Stubs.Node("three"))
            .Build();
        var sim = RunSimulator.For(flow);
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));
        sim.Complete("two", new Text("2"));

        sim.Fail("three", retryable: false);
        Assert.Equal(["undo-one"], sim.JustDispatched);
        sim.Complete("undo-one");

        Assert.Equal(RunStatus.CompensationFailed, sim.Status);
        var compensationError = Assert.Single(sim.Progress.CompensationErrors);
        Assert.Equal("undo-two", compensationError.NodeName);
        Assert.Contains("no way to undo", compensationError.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_run_is_Compensating_while_compensations_run()
    {
        var sim = RunSimulator.For(FourSteps());
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));

        var decision = sim.Fail("two", retryable: false);

        Assert.Equal(RunStatus.Compensating, decision.Status);
        Assert.Empty(sim.Events.OfType<FlowRunFailed>());
    }

    [Fact]
    public void A_compensation_goes_to_its_own_task_queue_and_is_marked_as_a_compensation()
    {
        var flow = Stubs.ManualFlow()
            .Then(Stubs.Node("one").OnError(Stubs.Node("undo-one").WithTaskQueue("undo-queue")))
            .Then(Stubs.Node("two"))
            .Build();
        var sim = RunSimulator.For(flow, taskQueue: "main-queue");
        sim.Start(new Text("in"));
        sim.Complete("one", new Text("1"));

        sim.Fail("two", retryable: false);

        var dispatch = Assert.Single(sim.Last!.Dispatches);
        Assert.Equal("undo-queue", dispatch.TaskQueue);
        Assert.True(dispatch.Command.IsCompensation);
        Assert.Equal("one", dispatch.Command.StepName);
        Assert.Equal(flow.Version, dispatch.Command.FlowVersion);
    }
}
