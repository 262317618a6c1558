using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resolute;
using Resolute.Client;
using Resolute.Contracts;
using Resolute.Samples;
using Resolute.Samples.EnrichIssues;

// The main job: the seed's complete example, run on the embedded default (in-memory transport + SQLite file),
// printing every node's start and end, then the result and the parallel step's timing.
var timeline = new NodeTimeline();
var flow = EnrichIssuesFlow.Build(new SimulatedWork(timeline: timeline));
var database = Path.Combine(Path.GetTempPath(), $"resolute-sample-{Environment.ProcessId}.db");

Console.WriteLine(flow.Describe());

// One process, both roles; its worker serves every queue of the flow (enrichment-queue and issues-queue).
var worker = new Worker()
    .WithConfig(new WorkerConfig { TaskQueue = EnrichIssuesFlow.TaskQueue })
    .WithFlow(flow)
    .Configure(r => r.UseSqlite($"Data Source={database}"))
    .ConfigureHost(h => h.Logging.SetMinimumLevel(LogLevel.Warning));
using var host = worker.Build(args);
await host.StartAsync();
try
{
    var client = host.Services.GetRequiredService<IFlowClient>();
    timeline.Write("run", $"starting '{flow.Name}' embedded (in-memory transport, SQLite {database})");
    var runId = await client.StartAsync(EnrichIssuesFlow.Name, new FetchInput("RES", 5));
    var run = await client.WaitForCompletionAsync(runId, TimeSpan.FromMinutes(1));
    timeline.Write("run", $"{run.Status}");
    Console.WriteLine();

    if (run.Status != RunStatus.Completed)
    {
        Console.WriteLine($"Run {runId} did not complete: {run.Error}");
        return 1;
    }

    var stored = run.State.Get<StoreOutput>("store-enriched");
    var merged = run.State.Get<MergeOutput>("merge-data");
    Console.WriteLine($"Run {runId} completed: {stored.Stored} enriched issues stored in '{stored.Location}'.");
    foreach (var issue in merged.EnrichedIssues)
    {
        Console.WriteLine($"  {issue.Id}: jira={issue.JiraData?.Status}/{issue.JiraData?.StoryPoints}pt slack={issue.SlackData?.Mentions} mentions prs={issue.PrData?.OpenPullRequests}");
    }

    // The parallel step takes about as long as its slowest node, not the sum of the three.
    var parallel = run.History.Where(h => h.StepName == "enrich-sources" && h.StartedAt is not null && h.EndedAt is not null).ToList();
    var durations = parallel.Select(h => (h.NodeName, Ms: (h.EndedAt!.Value - h.StartedAt!.Value).TotalMilliseconds)).ToList();
    var stepMs = (parallel.Max(h => h.EndedAt!.Value) - parallel.Min(h => h.DispatchedAt)).TotalMilliseconds;
    Console.WriteLine();
    Console.WriteLine($"Parallel step 'enrich-sources': {string.Join(", ", durations.Select(d => $"{d.NodeName} {d.Ms:0} ms"))}");
    Console.WriteLine($"  slowest node {durations.Max(d => d.Ms):0} ms, sum {durations.Sum(d => d.Ms):0} ms, step took {stepMs:0} ms (dispatch of the first to end of the last).");
    return 0;
}
finally
{
    await host.StopAsync();
    foreach (var file in new[] { database, database + "-wal", database + "-shm" })
    {
        File.Delete(file);
    }
}
