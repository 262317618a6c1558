namespace Resolute.Docs.Tests.Snippets;

/// <summary>Finds the fenced C# blocks (<c>```csharp</c>, <c>```cs</c>) of Markdown text, and the compile directives before them.</summary>
public static class MarkdownCodeBlocks
{
    private static readonly string[] CSharpLanguages = ["csharp", "cs", "c#"];

    /// <summary>
    /// The C# blocks of <paramref name="markdown"/>, and the problems of its directives: a directive that no C# block
    /// follows (only blank lines may stand between them) is reported, not ignored.
    /// </summary>
    /// <param name="file">The file's name as reported.</param>
    /// <param name="markdown">Its text.</param>
    public static (IReadOnlyList<CodeBlock> Blocks, IReadOnlyList<string> Problems) Read(string file, string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var blocks = new List<CodeBlock>();
        var problems = new List<string>();
        (int Line, CompileDirective Directive)? pending = null;

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart();
            if (CompileDirective.IsDirective(line))
            {
                ReportOrphan();
                pending = (i + 1, CompileDirective.Parse(line));
                continue;
            }

            var fence = FenceOf(trimmed);
            if (fence is null)
            {
                if (trimmed.Length > 0)
                {
                    ReportOrphan();
                }

                continue;
            }

            var language = trimmed[fence.Length..].Trim().Split(' ', 2)[0];
            var indent = line.Length - trimmed.Length;
            var start = i;
            var code = new List<string>();
            for (i++; i < lines.Length && lines[i].Trim() != fence; i++)
            {
                var codeLine = lines[i];
                var strip = Math.Min(indent, codeLine.Length - codeLine.TrimStart().Length);
                code.Add(codeLine[strip..]);
            }

            if (CSharpLanguages.Contains(language, StringComparer.OrdinalIgnoreCase))
            {
                blocks.Add(new CodeBlock(file, start + 1, string.Join('\n', code), pending?.Directive ?? CompileDirective.Default));
                pending = null;
            }
            else
            {
                ReportOrphan();
            }
        }

        ReportOrphan();
        return (blocks, problems);

        void ReportOrphan()
        {
            if (pending is { } orphan)
            {
                problems.Add($"{file}:{orphan.Line}: a compile directive with no ```csharp block right after it (only blank lines may come between)");
                pending = null;
            }
        }
    }

    private static string? FenceOf(string trimmed)
    {
        foreach (var marker in new[] { "```", "~~~" })
        {
            if (trimmed.StartsWith(marker, StringComparison.Ordinal))
            {
                var length = trimmed.TakeWhile(c => c == marker[0]).Count();
                return trimmed[..length];
            }
        }

        return null;
    }
}
