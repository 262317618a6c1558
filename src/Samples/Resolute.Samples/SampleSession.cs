using Resolute.Client;
using Resolute.Contracts;

namespace Resolute.Samples;

/// <summary>What a sample's <see cref="ISample.RunAsync"/> works with: the client, the timeline, the output.</summary>
internal sealed class SampleSession(IFlowClient client, NodeTimeline timeline, TextWriter output)
{
    /// <summary>How long a run may take before the sample gives up on it.</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    public IFlowClient Client { get; } = client;

    public NodeTimeline Timeline { get; } = timeline;

    public TextWriter Output { get; } = output;

    /// <summary>The runs this session started and waited for, in order.</summary>
    public List<FlowRunDescription> Runs { get; } = [];

    /// <summary>The schedules read by the sample, if it read any.</summary>
    public List<FlowScheduleStatus> Schedules { get; } = [];

    /// <summary>Starts a run by hand, waits for its end and prints its status (and error).</summary>
    public async Task<FlowRunDescription> RunAsync(string flowName, object? input, string label, CancellationToken cancellationToken)
    {
        Timeline.Write("run", $"starting '{flowName}' {label}");
        var runId = await Client.StartAsync(flowName, input, new StartFlowOptions { RequestedBy = "samples" }, cancellationToken);
        var run = await Client.WaitForCompletionAsync(runId, RunTimeout, cancellationToken);
        Timeline.Write("run", $"{runId} ended {run.Status}{(run.Error is null ? "" : $": {run.Error}")}");
        Runs.Add(run);
        return run;
    }

    public void Line(string text = "") => Timeline.WriteLine(text);

    /// <summary>Prints the compensations that ran, in the order they ran, and returns their node names in that order.</summary>
    public IReadOnlyList<string> PrintCompensations(FlowRunDescription run)
    {
        var compensations = run.History.Where(e => e.IsCompensation).OrderBy(e => e.StartedAt ?? e.DispatchedAt).ToList();
        if (compensations.Count == 0)
        {
            Line("  compensations: none ran");
            return [];
        }

        Line($"  compensations, in the order they ran: {string.Join(" -> ", compensations.Select(c => $"{c.NodeName} ({c.Outcome})"))}");
        return compensations.Select(c => c.NodeName).ToList();
    }

    /// <summary>The nodes of <paramref name="step"/> with their durations, and the step's span from first dispatch to last end.</summary>
    public void PrintParallelStep(FlowRunDescription run, string step)
    {
        var nodes = run.History.Where(h => h.StepName == step && !h.IsCompensation && h.StartedAt is not null && h.EndedAt is not null).ToList();
        if (nodes.Count == 0)
        {
            return;
        }

        var durations = nodes.Select(h => (h.NodeName, Ms: (h.EndedAt!.Value - h.StartedAt!.Value).TotalMilliseconds)).ToList();
        var stepMs = (nodes.Max(h => h.EndedAt!.Value) - nodes.Min(h => h.DispatchedAt)).TotalMilliseconds;
        Line($"  parallel step '{step}': {string.Join(", ", durations.Select(d => $"{d.NodeName} {d.Ms:0} ms"))}");
        Line($"    slowest node {durations.Max(d => d.Ms):0} ms, sum {durations.Sum(d => d.Ms):0} ms, step took {stepMs:0} ms (first dispatch to last end)");
    }
}
