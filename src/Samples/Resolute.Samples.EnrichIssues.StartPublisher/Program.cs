using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Resolute;
using Resolute.Client;
using Resolute.Contracts;
using Resolute.Samples.EnrichIssues;
using Resolute.Samples.EnrichIssues.StartPublisher;

// Starts one run of enrich-issues: publishes StartFlow (IFlowClient.StartAsync) to RabbitMQ, prints the run id, exits 0.
// RabbitMQ from Resolute__RabbitMq__Host/Port/User/Pass; the run's input and an optional wait from StartRun__*.
// A client only: it registers no flow and runs no orchestrator or worker.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddResolute(r => r.UseRabbitMq().AsClientOnly());
var settings = builder.Configuration.GetSection(StartRunSettings.Section).Get<StartRunSettings>() ?? new StartRunSettings();

using var host = builder.Build();
await host.StartAsync();
try
{
    var client = host.Services.GetRequiredService<IFlowClient>();
    var runId = await client.StartAsync(
        EnrichIssuesFlow.Name,
        new FetchInput(settings.Project, settings.Count),
        new StartFlowOptions { RequestedBy = "start-publisher" });
    Console.WriteLine($"Started run {runId} of '{EnrichIssuesFlow.Name}' ({settings.Count} issues of {settings.Project}).");
    Console.WriteLine($"Its trace in Jaeger: search for the tag resolute.run.id={runId}");
    if (settings.WaitFor is not { } wait)
    {
        return 0;
    }

    var run = await client.WaitForCompletionAsync(runId, wait);
    Console.WriteLine($"Run {runId} ended {run.Status}{(run.Error is null ? "" : $": {run.Error}")}");
    return run.Status == RunStatus.Completed ? 0 : 1;
}
finally
{
    await host.StopAsync();
}
