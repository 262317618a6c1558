using Resolute.Samples.EnrichIssues.Service;
using YamlDotNet.RepresentationModel;

namespace Resolute.Operations.Tests;

/// <summary>
/// The manifests under <c>infra/k8s</c> parse, the kustomization applies all of them, every task queue of the sample flow
/// has a worker Deployment and a KEDA <c>ScaledObject</c> on that queue, and the probes ask the paths the service maps.
/// (No cluster here: what the API server or KEDA would further refuse is not checked.)
/// </summary>
[Trait("Area", "Operations")]
public sealed class KubernetesManifestTests
{
    private readonly KubernetesManifests _manifests = KubernetesManifests.Load();

    [Fact]
    public void The_kustomization_lists_every_manifest_but_the_run_starting_job()
    {
        var kustomization = Assert.Single(_manifests.OfKind("Kustomization"));
        var resources = kustomization.Root.Sequence("resources").Scalars();
        var manifests = _manifests.Objects.Select(o => o.File).Distinct()
            .Where(f => f != kustomization.File && !f.StartsWith("jobs/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

        Assert.Equal(manifests, resources.Order(StringComparer.Ordinal));
        Assert.Equal(["Job"], _manifests.Objects.Where(o => o.File.StartsWith("jobs/", StringComparison.Ordinal)).Select(o => o.Kind));

        // Namespace-agnostic: `kubectl apply -k infra/k8s -n NAME` chooses it.
        Assert.All(_manifests.Objects, o => Assert.False(o.Root.Find("metadata")?.Has("namespace") ?? false, $"{o} names a namespace"));
        Assert.False(kustomization.Root.Has("namespace"));
    }

    [Fact]
    public void Each_queue_of_the_sample_flow_has_a_worker_deployment_scaled_by_keda_on_that_queue()
    {
        var pools = WorkerDeployments().ToList();
        Assert.Equal(SampleFlow.Queues, pools.Select(p => p.Queue).Order(StringComparer.Ordinal));

        var scaledObjects = _manifests.OfKind("ScaledObject").ToList();
        Assert.Equal(pools.Count, scaledObjects.Count);
        foreach (var (deployment, queue) in pools)
        {
            var scaled = Assert.Single(scaledObjects, s => s.Root.Map("spec").Map("scaleTargetRef").Scalar("name") == deployment.Name);
            Assert.Equal("keda.sh/v1alpha1", scaled.ApiVersion);
            var trigger = (YamlMappingNode)Assert.Single(scaled.Root.Map("spec").Sequence("triggers").Children);
            Assert.Equal("rabbitmq", trigger.Scalar("type"));
            var metadata = trigger.Map("metadata");
            Assert.Equal("QueueLength", metadata.Scalar("mode"));
            Assert.Equal(queue, metadata.Scalar("queueName"));
            Assert.True(int.TryParse(metadata.Scalar("value"), out var perReplica) && perReplica > 0, $"{scaled}: value '{metadata.Scalar("value")}'");

            // The broker's address (not in the trigger: it holds the password) comes from a TriggerAuthentication whose
            // Secret key exists.
            Assert.False(metadata.Has("host"), $"{scaled}: the broker's address belongs in a Secret");
            var authentication = _manifests.Named("TriggerAuthentication", trigger.Map("authenticationRef").Scalar("name"));
            var references = authentication.Root.Map("spec").Sequence("secretTargetRef").Children;
            Assert.Contains("host", references.Select(r => r.Scalar("parameter")));
            foreach (var reference in references)
            {
                var secret = _manifests.Named("Secret", reference.Scalar("name"));
                Assert.True(secret.Root.Map("stringData").Has(reference.Scalar("key")), $"{secret} has no key '{reference.Scalar("key")}'");
            }
        }
    }

    [Fact]
    public void Every_service_container_is_probed_on_the_paths_the_service_maps()
    {
        var deployments = _manifests.OfKind("Deployment").ToList();
        Assert.Equal(3, deployments.Count);   // the orchestrator and the two pools
        foreach (var deployment in deployments)
        {
            var container = Assert.Single(deployment.Containers);
            var port = Assert.Single(container.Sequence("ports").Children);
            Assert.Equal("8080", port.Scalar("containerPort"));   // ASPNETCORE_HTTP_PORTS of the .NET images
            AssertProbe(deployment, container, "livenessProbe", ServiceHealthEndpoints.LivePath, port.Scalar("name"));
            AssertProbe(deployment, container, "readinessProbe", ServiceHealthEndpoints.ReadyPath, port.Scalar("name"));
            AssertProbe(deployment, container, "startupProbe", ServiceHealthEndpoints.LivePath, port.Scalar("name"));

            // The readiness checks may take up to Resolute:Health:CheckTimeout (5 s); Kubernetes' default timeout is 1 s.
            Assert.True(int.Parse(container.Map("readinessProbe").Scalar("timeoutSeconds"), System.Globalization.CultureInfo.InvariantCulture) > 5, $"{deployment}");

            // A stopping worker drains for 25 s: the grace period must cover it (docs/operations.md).
            Assert.True(int.Parse(deployment.Root.Map("spec").Map("template").Map("spec").Scalar("terminationGracePeriodSeconds"), System.Globalization.CultureInfo.InvariantCulture) >= 30, $"{deployment}");
            Assert.Equal("true", deployment.Root.Map("spec").Map("template").Map("spec").Map("securityContext").Scalar("runAsNonRoot"));
        }
    }

    [Fact]
    public void Settings_come_from_the_config_map_and_secrets_defined_here()
    {
        var withPods = _manifests.OfKind("Deployment").Concat(_manifests.OfKind("Job")).ToList();
        Assert.Equal("Orchestrator", KubernetesObject.EnvironmentOf(Assert.Single(_manifests.Named("Deployment", "resolute-orchestrator").Containers))["Resolute__Roles"]);
        foreach (var owner in withPods)
        {
            foreach (var source in owner.Containers.SelectMany(c => c.Sequence("envFrom").Children))
            {
                var (kind, reference) = source.Find("configMapRef") is { } map ? ("ConfigMap", map) : ("Secret", source.Map("secretRef"));
                Assert.NotNull(_manifests.Named(kind, reference.Scalar("name")));
            }
        }

        var secrets = _manifests.OfKind("Secret").SelectMany(s => s.Root.Map("stringData").Entries()).ToList();
        Assert.Contains(secrets, s => s.Key == "ConnectionStrings__Resolute");
        Assert.All(secrets.Where(s => s.Key is "Resolute__RabbitMq__Pass" or "host" or "ConnectionStrings__Resolute"),
            s => Assert.Contains("REPLACE-WITH", ((YamlScalarNode)s.Value).Value, StringComparison.Ordinal));
    }

    private IEnumerable<(KubernetesObject Deployment, string Queue)> WorkerDeployments()
    {
        foreach (var deployment in _manifests.OfKind("Deployment"))
        {
            var environment = KubernetesObject.EnvironmentOf(Assert.Single(deployment.Containers));
            if (environment.GetValueOrDefault("Resolute__Roles") != "Worker")
            {
                continue;
            }

            var queue = environment["Resolute__Worker__TaskQueues"];
            Assert.True(SampleFlow.Queues.Contains(queue), $"{deployment} serves '{queue}', which no node of the sample flow runs on");
            yield return (deployment, queue);
        }
    }

    private static void AssertProbe(KubernetesObject owner, YamlMappingNode container, string probe, string path, string portName)
    {
        var httpGet = container.Map(probe).Map("httpGet");
        Assert.True(httpGet.Scalar("path") == path, $"{owner}: {probe} asks {httpGet.Scalar("path")}, the service maps {path}");
        Assert.Equal(portName, httpGet.Scalar("port"));
    }
}
