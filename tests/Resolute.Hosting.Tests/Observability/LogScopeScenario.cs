using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Resolute.Contracts;

namespace Resolute.Hosting.Tests.Observability;

/// <summary>
/// Logs carry the run: what a node logs, and what the orchestrator logs about a run, is written inside a scope holding
/// the run id and flow (and, on the worker, the node and attempt) — so a log search by run id finds both sides.
/// </summary>
[Trait("Area", "Observability")]
public sealed class LogScopeScenario : IDisposable
{
    private static readonly Action<ILogger, Exception?> NodeSaysHello = LoggerMessage.Define(LogLevel.Warning, new EventId(1), "node says hello");

    private readonly string _database = SqliteFiles.NewPath();

    [Fact]
    public async Task A_nodes_log_lines_and_the_orchestrators_carry_run_id_flow_and_node_in_their_scope()
    {
        var node = Node.Create<int, int>("log-something", (input, context) =>
        {
            NodeSaysHello(context.Logger, null);
            return Task.FromResult(input + 1);
        });
        var flow = Flow.Create("logged").TriggeredBy(Trigger.Manual()).Then(node).Build();
        var captured = new CapturingLoggerProvider();

        await using var host = await EmbeddedHost.StartAsync(_database, r => r.AddFlow(flow), services =>
        {
            services.AddSingleton<ILoggerProvider>(captured);
            services.Configure<LoggerFilterOptions>(o => o.MinLevel = LogLevel.Information);
        });
        var runId = await host.Client.StartAsync(flow.Name, 1);
        var run = await host.Client.WaitForCompletionAsync(runId, TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Completed, run.Status);

        var fromNode = Assert.Single(captured.Entries, e => e.Message == "node says hello");
        Assert.Equal(runId, fromNode.Scope["RunId"]);
        Assert.Equal("logged", fromNode.Scope["FlowName"]);
        Assert.Equal("log-something", fromNode.Scope["NodeName"]);
        Assert.Equal(1, fromNode.Scope["Attempt"]);

        var fromSaga = Assert.Single(captured.Entries, e => e.Message.EndsWith("is now Completed", StringComparison.Ordinal));
        Assert.Equal(runId, fromSaga.Scope["RunId"]);
        Assert.Equal("logged", fromSaga.Scope["FlowName"]);
    }

    public void Dispose() => SqliteFiles.Delete(_database);
}
