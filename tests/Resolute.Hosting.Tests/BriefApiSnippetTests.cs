using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Resolute.Client;

namespace Resolute.Hosting.Tests;

/// <summary>
/// The hosting half of BRIEF section 2 as written: the seed-style <c>Worker</c> and <c>AddResolute</c>. If a public
/// name of the contract changes, this file stops compiling.
/// </summary>
[Trait("Area", "Definition")]
public sealed class BriefApiSnippetTests
{
    internal sealed record FetchInput(string Query);

    internal sealed record FetchOutput(IReadOnlyList<string> Ids);

    private static Task<FetchOutput> FetchIssuesAsync(FetchInput input, NodeContext context) => Task.FromResult(new FetchOutput([input.Query]));

    private static Flow SampleFlow() => Flow.Create("enrich-issues")
        .TriggeredBy(Trigger.Schedule("0 */4 * * *"))
        .Then(Node.Create<FetchInput, FetchOutput>("fetch-issues", FetchIssuesAsync).As("issues"))
        .Build();

    [Fact]
    public async Task Worker_snippet_compiles_and_its_RunAsync_stops_when_cancelled()
    {
        var flow = SampleFlow();
        var database = Path.Combine(Path.GetTempPath(), $"resolute-snippet-{Guid.NewGuid():N}.db");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            // ---- BRIEF section 2, as written (plus a database path and a token for the test) ----
            await new Worker()
                .WithConfig(new WorkerConfig { TaskQueue = "enrichment-queue" })
                .WithFlow(flow)
                .Configure(r => r.UseSqlite($"Data Source={database}"))
                .ConfigureHost(h => h.Services.AddHostedService(sp => new StopWhenStarted(sp.GetRequiredService<IHostApplicationLifetime>())))
                .RunAsync(cancel.Token);
            // ---------------------------------------------------------------------------------------
            Assert.False(cancel.IsCancellationRequested, "the worker did not start and stop by itself within 20 s");
        }
        finally
        {
            SqliteFiles.Delete(database);
        }
    }

    [Fact]
    public void AddResolute_snippet_compiles_with_roles_transport_and_persistence()
    {
        var flow = SampleFlow();
        var builder = Host.CreateApplicationBuilder();

        // ---- BRIEF section 2: builder.Services.AddResolute(r => r.AddFlow(flow).UseRabbitMq(...).UsePostgres(...)) ----
        builder.Services.AddResolute(r => r.AddFlow(flow).UseRabbitMq("amqp://guest:guest@localhost:5672/").UsePostgres("Host=localhost;Username=postgres").AsOrchestrator());

        using var host = builder.Build();
        Assert.NotNull(host.Services.GetRequiredService<IFlowClient>());
        Assert.True(host.Services.GetRequiredService<FlowRegistry>().TryGet("enrich-issues", out _));
    }

    private sealed class StopWhenStarted(IHostApplicationLifetime lifetime) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken)
        {
            lifetime.ApplicationStarted.Register(lifetime.StopApplication);
            return Task.CompletedTask;
        }
    }
}
