namespace Resolute.TestFlows;

/// <summary>Run input of <see cref="ShutdownDrainFlow"/>: how long the node works, and on which worker it works until cancelled instead.</summary>
/// <param name="SleepMs">How long the node works (honouring its token).</param>
/// <param name="HangOnWorker">A worker id (<c>--worker-id</c>) on which the node works until its token fires; null = nowhere.</param>
public sealed record DrainRequest(int SleepMs, string? HangOnWorker = null);

/// <summary>Output of <see cref="ShutdownDrainFlow"/>: the worker that finished the node.</summary>
public sealed record DrainResult(string Worker);

/// <summary>
/// One node, <c>work</c>, for the shutdown-drain scenario: it records its start in <see cref="ExecutionLedger"/>, works
/// <see cref="DrainRequest.SleepMs"/> (or, on <see cref="DrainRequest.HangOnWorker"/>, until its token fires), and records
/// <c>finished</c> or, when its token fired, <c>cancelled</c> in <see cref="ExecutionLedger.EventTable"/>.
/// </summary>
public static class ShutdownDrainFlow
{
    /// <summary>The flow's name.</summary>
    public const string Name = "shutdown-drain";

    /// <summary>The node's name.</summary>
    public const string Work = "work";

    /// <summary>The definition.</summary>
    public static Flow Definition { get; } = Flow.Create(Name)
        .TriggeredBy(Trigger.Manual("api"))
        .Then(Node.Create<DrainRequest, DrainResult>(Work, WorkAsync)
            .WithInput(state => state.GetInput<DrainRequest>() ?? throw new InvalidOperationException("shutdown-drain needs a DrainRequest input.")))
        .Build();

    private static async Task<DrainResult> WorkAsync(DrainRequest input, NodeContext context)
    {
        await ExecutionLedger.RecordAsync(context).ConfigureAwait(false);
        try
        {
            var hang = input.HangOnWorker == ExecutionLedger.WorkerId;
            await Task.Delay(hang ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(input.SleepMs), context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            await ExecutionLedger.RecordEventAsync(context, "cancelled").ConfigureAwait(false);
            throw;
        }

        await ExecutionLedger.RecordEventAsync(context, "finished").ConfigureAwait(false);
        return new DrainResult(ExecutionLedger.WorkerId);
    }
}
