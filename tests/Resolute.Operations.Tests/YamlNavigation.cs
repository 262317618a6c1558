using YamlDotNet.RepresentationModel;

namespace Resolute.Operations.Tests;

/// <summary>Reading parsed YAML (docker-compose config's output, Kubernetes manifests) with the missing key named.</summary>
internal static class YamlNavigation
{
    public static IReadOnlyList<YamlNode> LoadDocuments(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => d.RootNode).ToList();
    }

    public static YamlMappingNode Map(this YamlNode node, string key) =>
        node.Find(key) as YamlMappingNode ?? throw new KeyNotFoundException($"No mapping '{key}' at {node.Start}: {Describe(node)}");

    public static YamlSequenceNode Sequence(this YamlNode node, string key) =>
        node.Find(key) as YamlSequenceNode ?? throw new KeyNotFoundException($"No sequence '{key}' at {node.Start}: {Describe(node)}");

    public static string Scalar(this YamlNode node, string key) =>
        (node.Find(key) as YamlScalarNode)?.Value ?? throw new KeyNotFoundException($"No scalar '{key}' at {node.Start}: {Describe(node)}");

    public static string? ScalarOrNull(this YamlNode node, string key) => (node.Find(key) as YamlScalarNode)?.Value;

    public static YamlNode? Find(this YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    public static bool Has(this YamlNode node, string key) => node.Find(key) is not null;

    /// <summary>A mapping's entries as key and value.</summary>
    public static IEnumerable<(string Key, YamlNode Value)> Entries(this YamlMappingNode map) =>
        map.Children.Select(c => (((YamlScalarNode)c.Key).Value!, c.Value));

    /// <summary>The scalars of a sequence.</summary>
    public static IReadOnlyList<string> Scalars(this YamlSequenceNode sequence) =>
        sequence.Children.Select(c => ((YamlScalarNode)c).Value!).ToList();

    private static string Describe(YamlNode node)
    {
        var text = node.ToString();
        return text.Length > 300 ? text[..300] + "…" : text;
    }
}
