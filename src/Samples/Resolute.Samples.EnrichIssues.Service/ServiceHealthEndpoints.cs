using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Resolute;

namespace Resolute.Samples.EnrichIssues.Service;

/// <summary>
/// The service's health endpoints, Resolute's checks mapped by tag (docs/operations.md). Liveness asks only whether the
/// process's loops run (restart it when not); readiness also asks the broker and, for the orchestrator, the saga
/// database, the outbox and the timers. The Dockerfiles, docker-compose.yml and infra/k8s probe these paths.
/// </summary>
internal static class ServiceHealthEndpoints
{
    public const string LivePath = "/health/live";

    public const string ReadyPath = "/health/ready";

    public static void MapServiceHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ResoluteHealthChecks.LiveTag) });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ResoluteHealthChecks.ReadyTag) });
    }
}
