using System.CommandLine;
using System.Globalization;
using Resolute.Cli.Rendering;
using Resolute.Client;
using Resolute.Contracts;
using Spectre.Console;

namespace Resolute.Cli.Commands;

/// <summary><c>resolute flows [--flow]</c>: the flows the orchestrator has registered, each with its plan.</summary>
internal static class FlowsCommand
{
    public static Command Create(CliContext cli)
    {
        var flow = new Option<string?>("--flow") { Description = "Only this flow.", HelpName = "name" };
        var command = new Command("flows", "List the flows the orchestrator has registered: version, triggers, task queue, earlier versions still served, and the plan step by step. Needs the orchestrator over RabbitMQ.")
        {
            flow,
        };
        cli.SetAction(command, async (parse, cancellationToken) =>
        {
            var name = parse.GetValue(flow);
            var session = await cli.ConnectAsync(parse, command.Name, cancellationToken).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                var flows = (await session.Client.GetFlowsAsync(cancellationToken).ConfigureAwait(false))
                    .Where(f => name is null || string.Equals(f.Name, name, StringComparison.Ordinal))
                    .OrderBy(f => f.Name, StringComparer.Ordinal)
                    .ToList();
                if (name is not null && flows.Count == 0)
                {
                    throw new CliException(ExitCodes.NotFound, $"unknown flow '{name}' (asked the orchestrator via RabbitMQ at {session.Address}); 'resolute flows' lists the known ones");
                }

                if (cli.IsJson(parse))
                {
                    cli.WriteJson(flows.Select(FlowJson.From).ToList());
                    return ExitCodes.Ok;
                }

                if (flows.Count == 0)
                {
                    cli.Console.MarkupLine("[grey]The orchestrator has no flows registered.[/]");
                    return ExitCodes.Ok;
                }

                foreach (var description in flows)
                {
                    cli.Console.Write(Render(description));
                    cli.Console.WriteLine();
                }

                return ExitCodes.Ok;
            }
        });
        return command;
    }

    /// <summary>A flow as a tree: its facts at the root, a branch per step, a leaf per node with its settings.</summary>
    internal static Tree Render(FlowDescription flow)
    {
        var previous = flow.PreviousVersions.Count == 0 ? "" : $", still serving {Styles.Escape(string.Join(", ", flow.PreviousVersions))}";
        var tree = new Tree(
            $"[bold]{Styles.Escape(flow.Name)}[/] version {Styles.Escape(flow.Version)}{previous} — " +
            $"triggered by {Styles.Escape(string.Join(" and ", flow.Triggers))}, queue {Styles.Escape(flow.TaskQueue)}");
        foreach (var step in flow.Steps)
        {
            AddStep(tree.AddNode(StepLabel(step)), step);
        }

        return tree;
    }

    private static string StepLabel(FlowStepDescription step) => $"{Styles.Escape(step.Name)} [grey]({Styles.Escape(step.Kind)})[/]";

    private static void AddStep(TreeNode parent, FlowStepDescription step)
    {
        foreach (var node in step.Nodes)
        {
            parent.AddNode(NodeLabel(node));
        }

        if (step.Then.Count > 0)
        {
            var then = parent.AddNode("[grey]then[/]");
            foreach (var inner in step.Then)
            {
                AddStep(then.AddNode(StepLabel(inner)), inner);
            }
        }

        if (step.Else.Count > 0)
        {
            var otherwise = parent.AddNode("[grey]else[/]");
            foreach (var inner in step.Else)
            {
                AddStep(otherwise.AddNode(StepLabel(inner)), inner);
            }
        }
    }

    private static string NodeLabel(FlowNodeDescription node)
    {
        var facts = new List<string> { $"→ {node.OutputKey}", $"queue {node.TaskQueue}", string.Create(CultureInfo.InvariantCulture, $"attempts {(node.MaximumAttempts == 0 ? "unlimited" : node.MaximumAttempts)}"), $"timeout {Styles.Duration(node.Timeout)}" };

        if (node.RateLimit is not null)
        {
            facts.Add($"rate limit {node.RateLimit}");
        }

        if (node.Compensation is not null)
        {
            facts.Add($"compensated by {node.Compensation}");
        }

        if (node.ContinueOnError)
        {
            facts.Add("continues on error");
        }

        return $"{Styles.Escape(node.Name)} [grey]{Styles.Escape(string.Join(", ", facts))}[/]";
    }
}
