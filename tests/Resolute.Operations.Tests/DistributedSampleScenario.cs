using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Resolute.IntegrationTests.Infrastructure;
using Resolute.Samples.EnrichIssues.Service;
using Xunit.Abstractions;

namespace Resolute.Operations.Tests;

/// <summary>
/// The compose file's application services, without Docker: the orchestrator, each worker pool and the start-publisher
/// run as processes of the sample's programs with the environment <c>docker-compose config</c> gives them — only the
/// servers' addresses are swapped for the test's RabbitMQ (a virtual host of its own) and PostgreSQL (SQL Server cannot
/// run here), and the OTLP settings dropped (no Jaeger). They become ready, the compose health checks pass as written,
/// and the start-publisher's run completes with each node on the pool of its queue.
/// </summary>
[Trait("Area", "Operations")]
public sealed class DistributedSampleScenario(ComposeConfiguration compose, ITestOutputHelper output)
    : IClassFixture<ComposeConfiguration>, IAsyncLifetime
{
    private const string ServiceProject = "Resolute.Samples.EnrichIssues.Service";
    private const string PublisherProject = "Resolute.Samples.EnrichIssues.StartPublisher";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);

    private readonly List<SampleProcess> _processes = [];
    private ScratchServers? _servers;

    [Fact]
    public async Task The_compose_services_run_a_start_published_run_to_completion_each_node_on_its_pool()
    {
        var services = compose.WorkerPools.Select(p => p.Name).Prepend("orchestrator").ToList();
        var ports = new Dictionary<string, int>();
        foreach (var service in services)
        {
            ports[service] = FreePort();
            _processes.Add(SampleProcess.Start(service, ServiceProject, EnvironmentOf(service, ports[service])));
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var (process, service) in _processes.Zip(services))
        {
            await WaitUntilReadyAsync(http, process, ports[service]);
            using var live = await http.GetAsync(new Uri($"http://127.0.0.1:{ports[service]}{ServiceHealthEndpoints.LivePath}"));
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);

            // The compose health check as written, on the port this process listens on.
            var check = compose.Service(service).Map("healthcheck").Sequence("test").Scalars().Skip(1).ToList();
            check[^1] = new UriBuilder(check[^1]) { Host = "127.0.0.1", Port = ports[service] }.Uri.ToString();
            var probe = await ExternalCommand.RunAsync(check[0], check.Skip(1), SampleProcess.BuildOutput(ServiceProject), TimeSpan.FromSeconds(60));
            Assert.True(probe.ExitCode == 0, $"{service}: {string.Join(' ', check)}: {probe}");
        }

        output.WriteLine($"ready: {string.Join(", ", services)}");
        var publisher = SampleProcess.Start("start-publisher", PublisherProject, EnvironmentOf("start-publisher", port: null));
        _processes.Add(publisher);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (!publisher.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(publisher.HasExited, $"the start-publisher did not end within 3 minutes\n{Describe()}");
        var run = Regex.Match(publisher.Output, @"Run (?<id>[0-9a-f-]{36}) ended (?<status>\w+)");
        Assert.True(run.Success && run.Groups["status"].Value == "Completed", $"the start-publisher's run did not complete\n{Describe()}");
        Assert.Contains($"resolute.run.id={run.Groups["id"].Value}", publisher.Output, StringComparison.Ordinal);

        // Each node ran on a worker of its queue's pool, and on no other process.
        foreach (var (name, _) in compose.WorkerPools)
        {
            var queues = compose.EnvironmentOf(name)["Resolute__Worker__TaskQueues"].Split(',', StringSplitOptions.TrimEntries);
            var pool = _processes.Single(p => p.Name == name);
            foreach (var queue in SampleFlow.Queues)
            {
                foreach (var node in SampleFlow.NodesOn(queue))
                {
                    var ran = Regex.IsMatch(pool.Output, $@"start\s+{Regex.Escape(node)}\s");
                    Assert.True(ran == queues.Contains(queue), $"{node} (queue {queue}) {(ran ? "ran" : "did not run")} on {name} ({string.Join(", ", queues)})\n{Describe()}");
                }
            }
        }

        Assert.DoesNotMatch(@"start\s+(fetch|enrich|merge|store)", _processes.Single(p => p.Name == "orchestrator").Output);
    }

    public async Task InitializeAsync() => _servers = await ScratchServers.CreateAsync("ops-compose");

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
    }

    /// <summary>The compose service's environment, pointed at the test's servers.</summary>
    private Dictionary<string, string?> EnvironmentOf(string service, int? port)
    {
        var servers = _servers!;
        var rabbit = servers.RabbitMqUri;
        var credentials = Uri.UnescapeDataString(rabbit.UserInfo).Split(':', 2);
        var environment = compose.EnvironmentOf(service).ToDictionary(e => e.Key, string? (e) => e.Value, StringComparer.Ordinal);
        foreach (var key in environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            environment[key] = null;
        }

        Assert.Equal("rabbitmq", environment["Resolute__RabbitMq__Host"]);
        environment["Resolute__RabbitMq__Host"] = rabbit.Host;
        environment["Resolute__RabbitMq__Port"] = rabbit.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Resolute__RabbitMq__VHost"] = servers.VirtualHost;
        environment["Resolute__RabbitMq__User"] = credentials[0];
        environment["Resolute__RabbitMq__Pass"] = credentials[1];
        if (environment.ContainsKey("ConnectionStrings__Resolute"))
        {
            environment["ConnectionStrings__Resolute"] = servers.PostgresConnectionString;
            environment[ServiceDatabase.Key.Replace(":", "__", StringComparison.Ordinal)] = "Postgres";
        }

        if (port is { } listen)
        {
            environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{listen}";
        }

        return environment;
    }

    private async Task WaitUntilReadyAsync(HttpClient http, SampleProcess process, int port)
    {
        var ready = new Uri($"http://127.0.0.1:{port}{ServiceHealthEndpoints.ReadyPath}");
        var deadline = DateTime.UtcNow + ReadyTimeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, $"{process.Name} exited before it was ready\n{Describe()}");
            try
            {
                using var response = await http.GetAsync(ready);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{process.Name} was not ready within {ReadyTimeout} ({ready}: {last})\n{Describe()}");
    }

    private string Describe() => string.Join('\n', _processes.Select(p => p.ToString()));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
