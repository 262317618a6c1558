using MassTransit;
using Resolute.Contracts;

namespace Resolute.Persistence.EntityFrameworkCore.Runs;

/// <summary>
/// Answers <see cref="GetFlowRun"/> and <see cref="ListFlowRuns"/> from the database without locking
/// (<see cref="FlowRunQueries"/>), on its own queue, so status reads never wait behind the saga's writes.
/// </summary>
public sealed class FlowRunQueryConsumer : IConsumer<GetFlowRun>, IConsumer<ListFlowRuns>
{
    private readonly FlowRunQueries _queries;

    /// <summary>Created per message.</summary>
    public FlowRunQueryConsumer(ResoluteDbContext db)
    {
        _queries = new FlowRunQueries(db);
    }

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<GetFlowRun> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var runId = context.Message.RunId;
        if (await _queries.GetRunAsync(runId, context.CancellationToken).ConfigureAwait(false) is { } snapshot)
        {
            await context.RespondAsync(snapshot).ConfigureAwait(false);
        }
        else
        {
            await context.RespondAsync(new FlowRunNotFound { RunId = runId }).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<ListFlowRuns> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        FlowRunList page;
        try
        {
            page = await _queries.ListRunsAsync(context.Message, context.CancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            // A request the caller can fix: answered, not retried or dead-lettered.
            await context.RespondAsync(new ListFlowRunsRejected { Reason = e.Message }).ConfigureAwait(false);
            return;
        }

        await context.RespondAsync(page).ConfigureAwait(false);
    }
}
