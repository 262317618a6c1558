using Resolute;
using Resolute.Samples;
using Resolute.Samples.EnrichIssues;
using Resolute.Samples.EnrichIssues.Service;

// The enrich-issues sample as a service. One binary for every role: configuration says which —
//   Resolute__Roles=Orchestrator                                        the orchestrator (needs ConnectionStrings__Resolute)
//   Resolute__Roles=Worker Resolute__Worker__TaskQueues=issues-queue     a worker pool for one queue of the flow
// with RabbitMQ from Resolute__RabbitMq__Host/Port/User/Pass and the saga database from ServiceDatabase (SQL Server
// unless EnrichIssues__Database=Postgres). It serves GET /health/live and /health/ready (ServiceHealthEndpoints).
//
// `--probe URL` does not start the service: it asks URL once and exits 0 when it answered 2xx (the images' HEALTHCHECK;
// the runtime image has no curl).
if (HealthProbe.IsRequested(args))
{
    return await HealthProbe.RunAsync(args, Console.Out);
}

var builder = WebApplication.CreateBuilder(args);
// Each node's start and end go to the console: the logs show which pool ran which node (Operations tests read them).
var flow = EnrichIssuesFlow.Build(new SimulatedWork(timeline: new NodeTimeline()));
builder.AddResolute(r => ServiceDatabase.Use(r.AddFlow(flow, EnrichIssuesFlow.TaskQueue).UseRabbitMq(), builder.Configuration));

var app = builder.Build();
app.MapServiceHealthEndpoints();
await app.RunAsync();
return 0;
