using System.Globalization;

namespace Resolute.TestFlows;

/// <summary>Which way a soak run goes; the run's expected end follows from it (see <see cref="SoakFlow"/>).</summary>
public enum SoakPath
{
    /// <summary>Every node completes (some after scripted transient failures): the run ends Completed, nothing compensated.</summary>
    Complete,

    /// <summary><c>ship-parcel</c> fails permanently in the parallel step: Failed; <c>refund-card</c> and <c>release-stock</c> run.</summary>
    FailInParallelStep,

    /// <summary><c>close-order</c> fails permanently: Failed; <c>cancel-parcel</c>, <c>refund-card</c> and <c>release-stock</c> run.</summary>
    FailAtTheEnd,

    /// <summary><c>reserve-stock</c> fails on every attempt: Failed after its retries; nothing had completed, nothing is compensated.</summary>
    ExhaustRetries,
}

/// <summary>
/// Run input of <see cref="SoakFlow"/>: the path, how many first attempts of the flaky nodes fail with a transient
/// error, and how long every node works. Everything a node does is read from here and from its attempt number, so every
/// process and every attempt agrees on it.
/// </summary>
/// <param name="Index">The run's index in its soak (references carry it).</param>
/// <param name="Path">Which way the run goes.</param>
/// <param name="ReserveFlakes">Failed first attempts of <c>reserve-stock</c> (below the retry limit unless the path exhausts it).</param>
/// <param name="ChargeFlakes">Failed first attempts of <c>charge-card</c>.</param>
/// <param name="EmailFlakes">Failed first attempts of <c>email-receipt</c>.</param>
/// <param name="DelayMs">Milliseconds every node works (its token honoured).</param>
public sealed record SoakOrder(int Index, SoakPath Path, int ReserveFlakes, int ChargeFlakes, int EmailFlakes, int DelayMs);

/// <summary>Output of a forward node of <see cref="SoakFlow"/>: what it created.</summary>
/// <param name="Node">The node.</param>
/// <param name="Reference">What it created, <c>{node}-{index}</c>.</param>
/// <param name="Attempt">The attempt that created it.</param>
public sealed record SoakReceipt(string Node, string Reference, int Attempt);

/// <summary>Output of a compensation of <see cref="SoakFlow"/>: the receipt it undid.</summary>
/// <param name="Compensation">The compensation node.</param>
/// <param name="Undid">The receipt read from FlowState.</param>
public sealed record SoakUndo(string Compensation, SoakReceipt Undid);

/// <summary>
/// The soak's flow (<c>infra/scripts/soak.sh</c>, <c>SoakScenario</c>): a sequential node, a parallel step, a final node;
/// flaky nodes that need retries and compensations whose use is chosen by the input (<see cref="SoakOrder.Path"/>).
/// <code>
/// reserve-stock (flaky, OnError release-stock)
///   → settle: charge-card (flaky, OnError refund-card) ∥ ship-parcel (OnError cancel-parcel) ∥ email-receipt (flaky)
///   → close-order
/// </code>
/// Every node and every compensation first records its execution in <see cref="ExecutionLedger"/>, so duplicates are
/// counted across processes, also those of a worker killed before it replied.
/// </summary>
public static class SoakFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "soak-order";

    /// <summary>The first node (flaky; compensated by <see cref="ReleaseStock"/>).</summary>
    public const string ReserveStock = "reserve-stock";

    /// <summary>A node of the parallel step (flaky; compensated by <see cref="RefundCard"/>).</summary>
    public const string ChargeCard = "charge-card";

    /// <summary>A node of the parallel step (fails permanently on <see cref="SoakPath.FailInParallelStep"/>; compensated by <see cref="CancelParcel"/>).</summary>
    public const string ShipParcel = "ship-parcel";

    /// <summary>A node of the parallel step (flaky; no compensation).</summary>
    public const string EmailReceipt = "email-receipt";

    /// <summary>The last node (fails permanently on <see cref="SoakPath.FailAtTheEnd"/>).</summary>
    public const string CloseOrder = "close-order";

    /// <summary>Compensation of <see cref="ReserveStock"/>.</summary>
    public const string ReleaseStock = "release-stock";

    /// <summary>Compensation of <see cref="ChargeCard"/>.</summary>
    public const string RefundCard = "refund-card";

    /// <summary>Compensation of <see cref="ShipParcel"/>.</summary>
    public const string CancelParcel = "cancel-parcel";

    /// <summary>Attempts of every node and compensation: flakes up to <c>MaximumAttempts - 1</c> still complete.</summary>
    public const int MaximumAttempts = 4;

    /// <summary>The forward nodes, in plan order.</summary>
    public static IReadOnlyList<string> ForwardNodes { get; } = [ReserveStock, ChargeCard, ShipParcel, EmailReceipt, CloseOrder];

    /// <summary>The compensation nodes.</summary>
    public static IReadOnlyList<string> Compensations { get; } = [ReleaseStock, RefundCard, CancelParcel];

    /// <summary>Quick retries with a little back-off; <see cref="ScriptedPermanentException"/> is never retried.</summary>
    public static RetryPolicy Retry { get; } = new()
    {
        InitialInterval = TimeSpan.FromMilliseconds(200),
        BackoffCoefficient = 1.5,
        MaximumAttempts = MaximumAttempts,
        NonRetryableErrors = [typeof(ScriptedPermanentException)],
    };

    /// <summary>
    /// Every node's timeout: far above its work (at most a few hundred milliseconds), so that only a vanished attempt
    /// (a command lost with a killed process) reaches it.
    /// </summary>
    public static TimeSpan NodeTimeout { get; } = TimeSpan.FromSeconds(20);

    /// <summary>The definition.</summary>
    public static Flow Definition { get; } = Flow.Create(Name)
        .TriggeredBy(Trigger.Manual("api"))
        .Then(Forward(ReserveStock).OnError(Undo(ReleaseStock, ReserveStock)))
        .ThenParallel(
            "settle",
            Forward(ChargeCard).OnError(Undo(RefundCard, ChargeCard)),
            Forward(ShipParcel).OnError(Undo(CancelParcel, ShipParcel)),
            Forward(EmailReceipt))
        .Then(Forward(CloseOrder))
        .Build();

    /// <summary>The node whose failure ends a run of <paramref name="order"/> Failed; null when the run must complete.</summary>
    public static string? ExpectedFailedNode(SoakOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return order.Path switch
        {
            SoakPath.Complete => null,
            SoakPath.FailInParallelStep => ShipParcel,
            SoakPath.FailAtTheEnd => CloseOrder,
            SoakPath.ExhaustRetries => ReserveStock,
            _ => throw new ArgumentOutOfRangeException(nameof(order), order.Path, "Unknown soak path."),
        };
    }

    /// <summary>The compensations a run of <paramref name="order"/> must run, each exactly once (the nodes that completed and have one).</summary>
    public static IReadOnlySet<string> ExpectedCompensations(SoakOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return order.Path switch
        {
            SoakPath.Complete or SoakPath.ExhaustRetries => new HashSet<string>(StringComparer.Ordinal),
            SoakPath.FailInParallelStep => new HashSet<string>([RefundCard, ReleaseStock], StringComparer.Ordinal),
            SoakPath.FailAtTheEnd => new HashSet<string>([CancelParcel, RefundCard, ReleaseStock], StringComparer.Ordinal),
            _ => throw new ArgumentOutOfRangeException(nameof(order), order.Path, "Unknown soak path."),
        };
    }

    /// <summary>How many first attempts of <paramref name="node"/> fail with a transient error, and whether the failure is permanent.</summary>
    private static (int FailAttempts, bool Permanent) ScriptFor(SoakOrder order, string node) => (order.Path, node) switch
    {
        (SoakPath.ExhaustRetries, ReserveStock) => (int.MaxValue, false),
        (_, ReserveStock) => (order.ReserveFlakes, false),
        (_, ChargeCard) => (order.ChargeFlakes, false),
        (_, EmailReceipt) => (order.EmailFlakes, false),
        (SoakPath.FailInParallelStep, ShipParcel) => (int.MaxValue, true),
        (SoakPath.FailAtTheEnd, CloseOrder) => (int.MaxValue, true),
        _ => (0, false),
    };

    private static Node<SoakOrder, SoakReceipt> Forward(string name) =>
        Node.Create<SoakOrder, SoakReceipt>(name, async (SoakOrder order, NodeContext context) =>
            {
                await WorkAsync(order, context).ConfigureAwait(false);
                var (failAttempts, permanent) = ScriptFor(order, name);
                if (context.Attempt <= failAttempts)
                {
                    var message = string.Create(CultureInfo.InvariantCulture, $"{name} failed on attempt {context.Attempt} of soak run {order.Index} (scripted)");
                    throw permanent ? new ScriptedPermanentException(message) : new ScriptedTransientException(message);
                }

                return new SoakReceipt(name, string.Create(CultureInfo.InvariantCulture, $"{name}-{order.Index}"), context.Attempt);
            })
            .WithTimeout(NodeTimeout)
            .WithRetry(Retry);

    private static Node<SoakUndoRequest, SoakUndo> Undo(string name, string forNode) =>
        Node.Create<SoakUndoRequest, SoakUndo>(name, async (SoakUndoRequest request, NodeContext context) =>
            {
                await WorkAsync(request.Order, context).ConfigureAwait(false);
                return new SoakUndo(name, request.Receipt);
            })
            .WithInput(state => new SoakUndoRequest(state.Get<SoakReceipt>(forNode), state.GetInput<SoakOrder>()
                ?? throw new InvalidOperationException($"{Name} needs a {nameof(SoakOrder)} input.")))
            .WithTimeout(NodeTimeout)
            .WithRetry(Retry);

    private static async Task WorkAsync(SoakOrder order, NodeContext context)
    {
        await ExecutionLedger.RecordAsync(context).ConfigureAwait(false);
        if (order.DelayMs > 0)
        {
            await Task.Delay(order.DelayMs, context.CancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Input of a compensation of <see cref="SoakFlow"/>: the receipt of the node it undoes, and the run input.</summary>
/// <param name="Receipt">The compensated node's output, from FlowState.</param>
/// <param name="Order">The run input.</param>
public sealed record SoakUndoRequest(SoakReceipt Receipt, SoakOrder Order);
