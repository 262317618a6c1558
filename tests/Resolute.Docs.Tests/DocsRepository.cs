using Resolute.Docs.Tests.Snippets;

namespace Resolute.Docs.Tests;

/// <summary>The repository's Markdown files and their C# blocks, found by scanning, so new pages are covered without a list.</summary>
public static class DocsRepository
{
    private static readonly string[] SkippedDirectories = ["bin", "obj", ".git", "node_modules", "TestResults"];

    private static readonly Lazy<(IReadOnlyList<CodeBlock> Blocks, IReadOnlyList<string> Problems)> Scan = new(ScanAll);

    /// <summary>The repository root (the directory holding <c>Resolute.sln</c>).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Every C# block of every Markdown file.</summary>
    public static IReadOnlyList<CodeBlock> Blocks => Scan.Value.Blocks;

    /// <summary>Every misplaced compile directive.</summary>
    public static IReadOnlyList<string> DirectiveProblems => Scan.Value.Problems;

    /// <summary>
    /// The Markdown files with documentation: <c>README.md</c> at the root, and every <c>*.md</c> under <c>docs/</c>,
    /// <c>src/</c> (package READMEs, <c>PACKAGES.md</c>, samples) and <c>infra/</c>.
    /// </summary>
    public static IEnumerable<string> MarkdownFiles()
    {
        yield return "README.md";
        foreach (var directory in new[] { "docs", "src", "infra" })
        {
            foreach (var file in MarkdownUnder(Path.Combine(Root, directory)))
            {
                yield return Path.GetRelativePath(Root, file).Replace('\\', '/');
            }
        }
    }

    private static IEnumerable<string> MarkdownUnder(string directory)
    {
        if (!Directory.Exists(directory))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*.md").Order(StringComparer.Ordinal))
        {
            yield return file;
        }

        foreach (var child in Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
        {
            if (!SkippedDirectories.Contains(Path.GetFileName(child)))
            {
                foreach (var file in MarkdownUnder(child))
                {
                    yield return file;
                }
            }
        }
    }

    private static (IReadOnlyList<CodeBlock>, IReadOnlyList<string>) ScanAll()
    {
        var blocks = new List<CodeBlock>();
        var problems = new List<string>();
        foreach (var file in MarkdownFiles())
        {
            var (fileBlocks, fileProblems) = MarkdownCodeBlocks.Read(file, File.ReadAllText(Path.Combine(Root, file)));
            blocks.AddRange(fileBlocks);
            problems.AddRange(fileProblems);
        }

        return (blocks, problems);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Resolute.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Resolute.sln above {AppContext.BaseDirectory}: the docs tests read the repository's Markdown files.");
    }
}
