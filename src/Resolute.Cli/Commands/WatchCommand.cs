using System.CommandLine;
using Resolute.Cli.Connection;
using Resolute.Cli.Rendering;
using Resolute.Client;
using Resolute.Contracts;
using Spectre.Console;

namespace Resolute.Cli.Commands;

/// <summary><c>resolute watch &lt;runId&gt;</c>: a live view of a run until it ends.</summary>
internal static class WatchCommand
{
    public static Command Create(CliContext cli)
    {
        var runId = RunIdArgument.Create();
        var appear = DurationParser.Option("--wait-for-run", $"How long to wait for a run that does not exist yet (just started) before calling it unknown ({DurationParser.Forms}). Default 10s.", TimeSpan.FromSeconds(10));
        var command = new Command("watch", "Watch a run live: each node's state, attempt and duration and a progress bar, updated as events arrive, until the run ends. Exit 0 when it ends Completed, 1 otherwise. Needs the orchestrator over RabbitMQ. With --output json: one JSON object per event, one per line.")
        {
            runId,
            appear.Option,
        };
        cli.SetAction(command, async (parse, cancellationToken) =>
        {
            var id = parse.GetValue(runId);
            var session = await cli.ConnectAsync(parse, command.Name, cancellationToken).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                var view = await WatchAsync(cli, session, id, appear.Get(parse), cli.IsJson(parse), cancellationToken).ConfigureAwait(false);
                if (!view.HasEnded)
                {
                    throw new CliException(ExitCodes.Failed, $"the watch of run {id} ended before the run did (connection to RabbitMQ at {session.Address} lost?); 'resolute status {id}' shows where it is");
                }

                if (view.Status != RunStatus.Completed && view.Error is { NodeName: null })
                {
                    // The end event carries the error, not where it happened; the stored run has both.
                    view.UseError((await session.Client.GetRunAsync(id, cancellationToken).ConfigureAwait(false))?.Error);
                }

                if (!cli.IsJson(parse))
                {
                    var took = view.CreatedAt is { } created && view.EndedAt is { } ended ? $" after {Styles.Duration(ended - created)}" : "";
                    cli.Console.MarkupLine($"Run [bold]{id}[/] ended {Styles.Status(view.Status!.Value)}{took}.");
                    if (view.Error is { } error)
                    {
                        cli.Console.MarkupLine($"[red]{Styles.Escape(error.ToString())}[/]");
                    }
                }

                return view.Status == RunStatus.Completed ? ExitCodes.Ok : ExitCodes.RunNotCompleted;
            }
        });
        return command;
    }

    private static async Task<LiveRunView> WatchAsync(CliContext cli, IBrokerSession session, Guid id, TimeSpan appearTimeout, bool json, CancellationToken cancellationToken)
    {
        // A run that does not exist yet may be one just started: give it a while to appear, then call it unknown.
        using var appear = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var events = session.Client.WatchAsync(id, appear.Token);
        LiveRunView? view = null;

        async Task Consume(Action<LiveRunView> onEvent)
        {
            try
            {
                await foreach (var e in events.ConfigureAwait(false))
                {
                    if (view is null)
                    {
                        view = new LiveRunView(id, await PlannedNodesAsync(session, e, cancellationToken).ConfigureAwait(false));
                        if (e.Kind == FlowRunEventKind.Snapshot && e.Snapshot is null)
                        {
                            appear.CancelAfter(appearTimeout);
                        }
                    }
                    else if (e.Kind != FlowRunEventKind.Snapshot)
                    {
                        appear.CancelAfter(Timeout.InfiniteTimeSpan);
                    }

                    if (json)
                    {
                        cli.WriteJson(WatchEventJson.From(e));
                    }

                    view.Apply(e);
                    onEvent(view);
                }
            }
            catch (OperationCanceledException) when (appear.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new CliException(ExitCodes.NotFound, $"unknown run {id}: it did not appear within {Styles.Seconds(appearTimeout)} (asked the orchestrator via RabbitMQ at {session.Address})");
            }
        }

        if (json)
        {
            await Consume(_ => { }).ConfigureAwait(false);
        }
        else if (cli.Console.Profile.Capabilities is { Ansi: true, Interactive: true })
        {
            // A terminal: one table redrawn in place as events arrive.
            var placeholder = new LiveRunView(id, null);
            await cli.Console.Live(placeholder.Render(cli.Time.GetUtcNow())).AutoClear(false).StartAsync(async context =>
            {
                await Consume(v =>
                {
                    context.UpdateTarget(v.Render(cli.Time.GetUtcNow()));
                    context.Refresh();
                }).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        else
        {
            // Output to a file or pipe cannot be redrawn: a line per event, then the table as it ended.
            await Consume(v => cli.Console.MarkupLine(v.LastChange)).ConfigureAwait(false);
            if (view is not null)
            {
                cli.Console.Write(view.Render(cli.Time.GetUtcNow()));
            }
        }

        return view ?? new LiveRunView(id, null);
    }

    /// <summary>The nodes a run of the flow runs (a <c>when</c> counts its longer branch), for the progress bar; null when unknown.</summary>
    private static async Task<int?> PlannedNodesAsync(IBrokerSession session, FlowRunEvent first, CancellationToken cancellationToken)
    {
        var flowName = first.Snapshot?.FlowName ?? first.FlowName;
        if (string.IsNullOrEmpty(flowName))
        {
            return null;
        }

        var flows = await session.Client.GetFlowsAsync(cancellationToken).ConfigureAwait(false);
        var flow = flows.FirstOrDefault(f => f.Name == flowName);
        return flow is null ? null : flow.Steps.Sum(Count);

        static int Count(FlowStepDescription step) => step.Kind == FlowStepDescription.ConditionKind
            ? Math.Max(step.Then.Sum(Count), step.Else.Sum(Count)) + step.Nodes.Count
            : step.Nodes.Count + step.Then.Sum(Count) + step.Else.Sum(Count);
    }
}
