using Resolute.Samples.EnrichIssues.Service;
using YamlDotNet.RepresentationModel;

namespace Resolute.Operations.Tests;

/// <summary>
/// <c>docker-compose.yml</c> passes Compose's own validation with the committed <c>.env.example</c>, and what Compose makes
/// of it brings the whole distributed system up in order: infrastructure with health checks, the orchestrator, scalable
/// worker pools on the sample flow's own task queues, a one-shot start-publisher, traces to Jaeger v2.
/// </summary>
[Trait("Area", "Operations")]
public sealed class ComposeFileTests(ComposeConfiguration compose) : IClassFixture<ComposeConfiguration>
{
    private static readonly string[] ResoluteServices = ["orchestrator", "start-publisher"];

    [Fact]
    public void Docker_compose_config_accepts_the_file_with_the_example_env_file()
    {
        Assert.True(compose.Result.ExitCode == 0, $"docker-compose config: {compose.Result}");
    }

    [Fact]
    public void The_broker_the_database_jaeger_the_orchestrator_two_pools_and_the_start_publisher_are_there()
    {
        Assert.Contains("management", compose.Service("rabbitmq").Scalar("image"), StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/mssql/server:2022", compose.Service("sqlserver").Scalar("image"), StringComparison.Ordinal);
        Assert.Equal("Orchestrator", compose.EnvironmentOf("orchestrator")["Resolute__Roles"]);
        Assert.Equal("no", compose.Service("start-publisher").Scalar("restart"));
        Assert.True(compose.WorkerPools.Count >= 2, $"worker pools: {string.Join(", ", compose.WorkerPools.Select(p => p.Name))}");

        // Jaeger's current major version, with OTLP over gRPC and HTTP, and its UI.
        var jaeger = compose.Service("jaeger");
        Assert.StartsWith("jaegertracing/jaeger:2.", jaeger.Scalar("image"), StringComparison.Ordinal);
        Assert.Equal(["16686", "4317", "4318"], jaeger.Sequence("ports").Children.Select(p => p.Scalar("target")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Each_worker_pool_serves_its_own_queues_of_the_sample_flow_and_can_be_scaled()
    {
        var served = new List<string>();
        foreach (var (name, pool) in compose.WorkerPools)
        {
            var queues = compose.EnvironmentOf(name)["Resolute__Worker__TaskQueues"].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(queues);
            Assert.All(queues, q => Assert.True(SampleFlow.Queues.Contains(q), $"{name} serves '{q}', which no node of the sample flow runs on ({string.Join(", ", SampleFlow.Queues)})"));
            served.AddRange(queues);

            // `docker-compose up --scale NAME=N` needs a service without a fixed container name or host port.
            Assert.False(pool.Has("container_name"), $"{name} has a container_name");
            Assert.False(pool.Has("ports"), $"{name} publishes host ports");
            Assert.Equal("infra/docker/worker.Dockerfile", pool.Map("build").Scalar("dockerfile"));
        }

        Assert.Equal(served.Distinct().Count(), served.Count);                    // no queue in two pools
        Assert.Equal(SampleFlow.Queues, served.Order(StringComparer.Ordinal));    // every queue of the flow served
    }

    [Fact]
    public void Services_start_once_what_they_need_is_healthy()
    {
        AssertDependsOn("orchestrator", "rabbitmq", "service_healthy");
        AssertDependsOn("orchestrator", "sqlserver", "service_healthy");
        AssertDependsOn("start-publisher", "orchestrator", "service_healthy");
        foreach (var (name, _) in compose.WorkerPools)
        {
            AssertDependsOn(name, "rabbitmq", "service_healthy");
            AssertDependsOn("start-publisher", name, "service_healthy");
        }

        // Waiting for a service's health needs a service with a health check.
        foreach (var (name, service) in compose.Services.Entries())
        {
            foreach (var (dependency, condition) in service.Find("depends_on") is YamlMappingNode dependsOn ? dependsOn.Entries() : [])
            {
                if (condition.Scalar("condition") == "service_healthy")
                {
                    Assert.True(compose.Service(dependency).Has("healthcheck"), $"{name} waits for {dependency} to be healthy, which has no healthcheck");
                }
            }
        }
    }

    [Fact]
    public void The_services_health_checks_probe_readiness_on_the_path_the_service_maps()
    {
        Assert.Contains("/opt/mssql-tools18/bin/sqlcmd -C", string.Join(' ', compose.Service("sqlserver").Map("healthcheck").Sequence("test").Scalars()), StringComparison.Ordinal);
        Assert.Contains("rabbitmq-diagnostics", compose.Service("rabbitmq").Map("healthcheck").Sequence("test").Scalars());
        foreach (var name in compose.WorkerPools.Select(p => p.Name).Append("orchestrator"))
        {
            var test = compose.Service(name).Map("healthcheck").Sequence("test").Scalars();
            Assert.Equal(["CMD", "dotnet", "Resolute.Samples.EnrichIssues.Service.dll", HealthProbe.Argument], test.Take(4));
            var probed = new Uri(test[4]);
            Assert.Equal(ServiceHealthEndpoints.ReadyPath, probed.AbsolutePath);
            Assert.Equal(8080, probed.Port);   // ASPNETCORE_HTTP_PORTS of the .NET images
        }
    }

    [Fact]
    public void Every_resolute_process_sends_its_traces_to_jaeger_under_its_own_service_name()
    {
        var names = new List<string>();
        foreach (var name in compose.WorkerPools.Select(p => p.Name).Concat(ResoluteServices))
        {
            var environment = compose.EnvironmentOf(name);
            var endpoint = new Uri(environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
            Assert.Equal("jaeger", endpoint.Host);
            var protocol = environment["OTEL_EXPORTER_OTLP_PROTOCOL"];
            Assert.True((endpoint.Port, protocol) is (4317, "grpc") or (4318, "http/protobuf"), $"{name}: {endpoint} with {protocol}");

            // Jaeger ingests traces only: metrics sent there would be refused on every export.
            Assert.Equal("none", environment["OTEL_METRICS_EXPORTER"]);
            names.Add(environment["OTEL_SERVICE_NAME"]);
        }

        Assert.Equal(names.Distinct().Count(), names.Count);
    }

    [Fact]
    public async Task Credentials_come_from_the_env_file_which_git_ignores()
    {
        var passwords = compose.ExampleSettings.Where(s => s.Key.EndsWith("PASSWORD", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(passwords);
        var file = await File.ReadAllTextAsync(RepositoryFiles.PathOf("docker-compose.yml"));
        Assert.All(passwords, p => Assert.DoesNotContain(p.Value, file, StringComparison.Ordinal));

        // Nor does a password fall back to a default written in the file (${X_PASSWORD:-value}): each must come from .env.
        Assert.DoesNotMatch(@"PASSWORD:-", file);

        // Substituted where they are used.
        Assert.Equal(compose.ExampleSettings["RABBITMQ_PASSWORD"], compose.EnvironmentOf("rabbitmq")["RABBITMQ_DEFAULT_PASS"]);
        Assert.Equal(compose.ExampleSettings["RABBITMQ_PASSWORD"], compose.EnvironmentOf("orchestrator")["Resolute__RabbitMq__Pass"]);
        Assert.Equal(compose.ExampleSettings["SQLSERVER_SA_PASSWORD"], compose.EnvironmentOf("sqlserver")["MSSQL_SA_PASSWORD"]);
        Assert.Contains($"Password={compose.ExampleSettings["SQLSERVER_SA_PASSWORD"]};", compose.EnvironmentOf("orchestrator")["ConnectionStrings__Resolute"], StringComparison.Ordinal);

        // Without them Compose stops, saying what to do.
        var empty = Path.GetTempFileName();
        try
        {
            var withoutSettings = await ComposeConfiguration.RunConfigAsync(empty);
            Assert.NotEqual(0, withoutSettings.ExitCode);
            Assert.Contains("copy .env.example to .env", withoutSettings.Errors, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(empty);
        }

        Assert.Contains(".env", (await File.ReadAllLinesAsync(RepositoryFiles.PathOf(".gitignore"))).Select(l => l.Trim()));
    }

    private void AssertDependsOn(string service, string dependency, string condition)
    {
        var dependsOn = compose.Service(service).Map("depends_on");
        Assert.True(dependsOn.Has(dependency), $"{service} does not depend on {dependency}");
        Assert.Equal(condition, dependsOn.Map(dependency).Scalar("condition"));
    }
}
