using System.Reflection;
using System.Text.RegularExpressions;

namespace Resolute.Docs.Tests;

/// <summary>
/// <c>docs/options.md</c> documents every public settable property of every public options class (<c>*Options</c>,
/// <c>*Config</c>) of Resolute's assemblies under a heading naming the class, and lists no property that does not exist.
/// </summary>
[Trait("Area", "Docs")]
public sealed partial class OptionsDocumentationTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Sections = new(ReadSections);

    /// <summary>The options classes of the Resolute assemblies this test references (reflection).</summary>
    public static IReadOnlyList<Type> OptionsClasses { get; } = LoadOptionsClasses();

    /// <summary>One case per options class.</summary>
    public static TheoryData<string> Classes()
    {
        var data = new TheoryData<string>();
        foreach (var type in OptionsClasses)
        {
            data.Add(type.FullName!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Classes))]
    public void Every_settable_property_is_documented_under_its_class(string className)
    {
        var type = OptionsClasses.Single(t => t.FullName == className);
        Assert.True(Sections.Value.TryGetValue(type.Name, out var section),
            $"docs/options.md has no heading naming `{type.Name}` ({type.Assembly.GetName().Name}); add a section with a row per property.");

        var missing = SettableProperties(type).Where(p => !section.Contains($"`{p.Name}`", StringComparison.Ordinal)).Select(p => p.Name).ToList();
        Assert.True(missing.Count == 0,
            $"docs/options.md, section `{type.Name}`, does not document: {string.Join(", ", missing)} (write each as `Name` with its key, type, default and meaning).");
    }

    [Theory]
    [MemberData(nameof(Classes))]
    public void Every_row_of_a_class_section_names_a_property_that_exists(string className)
    {
        var type = OptionsClasses.Single(t => t.FullName == className);
        if (!Sections.Value.TryGetValue(type.Name, out var section))
        {
            return; // reported by Every_settable_property_is_documented_under_its_class
        }

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = RowName().Matches(section).Select(m => m.Groups["name"].Value).Where(n => !properties.Contains(n)).ToList();
        Assert.True(unknown.Count == 0, $"docs/options.md, section `{type.Name}`, lists properties {type.Name} does not have: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void The_reflection_finds_the_options_classes_of_every_role()
    {
        var names = OptionsClasses.Select(t => t.Name).ToList();
        Assert.Superset(
            new HashSet<string>(["OrchestratorOptions", "WorkerOptions", "FlowClientOptions", "StartFlowOptions", "ScheduleOptions", "ResoluteOutboxOptions", "ResolutePersistenceOptions", "ResoluteHealthOptions", "ResoluteTelemetryOptions", "WorkerConfig"]),
            names.ToHashSet());
    }

    [Fact]
    public void Every_options_class_declared_under_src_has_a_section_even_in_an_assembly_this_test_does_not_reference()
    {
        // A new project (a CLI, a testing package) is not referenced here; its options classes are found in its source.
        var declared = Directory.EnumerateFiles(Path.Combine(DocsRepository.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(d => d is "bin" or "obj" or "Samples"))
            .SelectMany(f => PublicOptionsClass().Matches(File.ReadAllText(f)).Select(m => (Name: m.Groups["name"].Value, File: Path.GetRelativePath(DocsRepository.Root, f))))
            .ToList();

        Assert.NotEmpty(declared);
        var undocumented = declared.Where(d => !Sections.Value.ContainsKey(d.Name)).Select(d => $"{d.Name} ({d.File})").ToList();
        Assert.True(undocumented.Count == 0, $"docs/options.md has no section for: {string.Join(", ", undocumented)}");
    }

    [Fact]
    public void A_missing_property_is_found_negative_control()
    {
        // The check on a section that lacks one property of the class: it must name exactly that property.
        var section = "| `QueueName` | … |";
        var missing = SettableProperties(typeof(Resolute.Client.FlowClientOptions)).Where(p => !section.Contains($"`{p.Name}`", StringComparison.Ordinal)).Select(p => p.Name);
        Assert.Equal(["CancelConfirmationTimeout", "OrchestratorQueueName", "QueryQueueName", "RequestTimeout"], missing.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Public instance properties a user sets: a public <c>set</c> or <c>init</c>, or a mutable collection filled in place
    /// (<c>WorkerOptions.TaskQueues</c>).
    /// </summary>
    private static IEnumerable<PropertyInfo> SettableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true }
                || (p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(List<>)));

    private static List<Type> LoadOptionsClasses()
    {
        var assemblies = Directory.EnumerateFiles(AppContext.BaseDirectory, "Resolute.*.dll")
            .Where(f => !Path.GetFileName(f).StartsWith("Resolute.Docs.Tests", StringComparison.Ordinal))
            .Select(f => Assembly.Load(AssemblyName.GetAssemblyName(f)));
        return [.. assemblies
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t.IsClass && (t.Name.EndsWith("Options", StringComparison.Ordinal) || t.Name.EndsWith("Config", StringComparison.Ordinal)))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)];
    }

    /// <summary>The sections of docs/options.md by the class a heading names in backticks (<c>## `WorkerOptions`</c>).</summary>
    private static Dictionary<string, string> ReadSections()
    {
        var text = File.ReadAllText(Path.Combine(DocsRepository.Root, "docs", "options.md"));
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        // A section runs to the next heading of any kind; only headings naming a class in backticks open a class section.
        var headings = Heading().Matches(text).ToList();
        for (var i = 0; i < headings.Count; i++)
        {
            if (headings[i].Groups["name"].Success)
            {
                var start = headings[i].Index + headings[i].Length;
                var end = i + 1 < headings.Count ? headings[i + 1].Index : text.Length;
                sections[headings[i].Groups["name"].Value] = text[start..end];
            }
        }

        return sections;
    }

    [GeneratedRegex(@"^#{1,6} (?:`(?<name>[A-Za-z]+)`)?.*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\| `(?<name>[A-Z][A-Za-z]*)`", RegexOptions.Multiline)]
    private static partial Regex RowName();

    [GeneratedRegex(@"public (?:sealed |static |partial )*class (?<name>\w+(?:Options|Config))\b")]
    private static partial Regex PublicOptionsClass();
}
