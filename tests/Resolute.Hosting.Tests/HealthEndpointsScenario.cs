using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Resolute.Hosting.Tests;

/// <summary>
/// An ASP.NET Core application maps Resolute's checks by tag, as docs/operations.md shows: <c>/health/ready</c> and
/// <c>/health/live</c> answer 200 for a working embedded host, and readiness runs the orchestrator's checks.
/// </summary>
[Trait("Area", "Hosting")]
public sealed class HealthEndpointsScenario : IDisposable
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"resolute-health-endpoints-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Ready_and_live_endpoints_mapped_by_tag_answer_healthy()
    {
        var ran = new List<string>();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.AddResolute(r => r
            .AddFlow(Flow.Create("health-endpoints").TriggeredBy(Trigger.Manual()).Then(Node.Create<int, int>("echo", (v, _) => Task.FromResult(v))).Build())
            .UseSqlite($"Data Source={_database}"));
        await using var app = builder.Build();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(ResoluteHealthChecks.ReadyTag) && Record(ran, c.Name),
        });
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ResoluteHealthChecks.LiveTag) });
        await app.StartAsync();
        using var client = app.GetTestClient();

        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Contains(ResoluteHealthChecks.Database, ran);
        Assert.Contains(ResoluteHealthChecks.Bus, ran);
        await app.StopAsync();
    }

    public void Dispose() => SqliteFiles.Delete(_database);

    private static bool Record(List<string> ran, string name)
    {
        lock (ran)
        {
            ran.Add(name);
        }

        return true;
    }
}
