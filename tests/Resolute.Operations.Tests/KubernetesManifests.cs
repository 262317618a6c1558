using YamlDotNet.RepresentationModel;

namespace Resolute.Operations.Tests;

/// <summary>Every YAML document under <c>infra/k8s</c>, with the file it came from.</summary>
internal sealed class KubernetesManifests
{
    public static readonly string Folder = RepositoryFiles.PathOf("infra", "k8s");

    private KubernetesManifests(IReadOnlyList<KubernetesObject> objects) => Objects = objects;

    public IReadOnlyList<KubernetesObject> Objects { get; }

    public static KubernetesManifests Load()
    {
        var objects = new List<KubernetesObject>();
        foreach (var file in Directory.EnumerateFiles(Folder, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(Folder, file).Replace(Path.DirectorySeparatorChar, '/');
            foreach (var document in YamlNavigation.LoadDocuments(File.ReadAllText(file)))
            {
                objects.Add(new KubernetesObject(relative, (YamlMappingNode)document));
            }
        }

        return new KubernetesManifests(objects);
    }

    public IEnumerable<KubernetesObject> OfKind(string kind) => Objects.Where(o => o.Kind == kind);

    public KubernetesObject Named(string kind, string name) =>
        OfKind(kind).SingleOrDefault(o => o.Name == name) ?? throw new KeyNotFoundException($"No {kind} '{name}' under infra/k8s.");
}

/// <summary>One Kubernetes object (or the kustomization) of a manifest file.</summary>
internal sealed record KubernetesObject(string File, YamlMappingNode Root)
{
    public string Kind => Root.Scalar("kind");

    public string ApiVersion => Root.Scalar("apiVersion");

    public string? Name => Root.Find("metadata")?.ScalarOrNull("name");

    /// <summary>The containers of a Deployment's or Job's pod template.</summary>
    public IEnumerable<YamlMappingNode> Containers =>
        Root.Map("spec").Map("template").Map("spec").Sequence("containers").Children.Cast<YamlMappingNode>();

    /// <summary>The plain <c>env</c> values of a container (those given by <c>value</c>).</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentOf(YamlMappingNode container) =>
        (container.Find("env") as YamlSequenceNode)?.Children
            .Where(e => e.Has("value"))
            .ToDictionary(e => e.Scalar("name"), e => e.Scalar("value"), StringComparer.Ordinal)
        ?? new Dictionary<string, string>();

    public override string ToString() => $"{Kind} '{Name}' ({File})";
}
