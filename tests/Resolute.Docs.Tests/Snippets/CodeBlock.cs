namespace Resolute.Docs.Tests.Snippets;

/// <summary>
/// One fenced C# block of a Markdown file, with the compile directive written before it (if any).
/// </summary>
/// <param name="File">The Markdown file, relative to the repository root (forward slashes).</param>
/// <param name="Line">The 1-based line of the opening fence.</param>
/// <param name="Code">The block's text, without the fences.</param>
/// <param name="Directive">What the directive before the block asks, or the default when there is none.</param>
public sealed record CodeBlock(string File, int Line, string Code, CompileDirective Directive)
{
    /// <summary>The 1-based line of the file on which the block's code starts.</summary>
    public int FirstCodeLine => Line + 1;

    /// <summary><c>file:line</c> of the opening fence, as the test reports it.</summary>
    public string Id => $"{File}:{Line}";

    /// <summary>The file line of a 0-based line of <see cref="Code"/>.</summary>
    public int FileLineOf(int codeLine) => FirstCodeLine + codeLine;

    /// <summary>The text of a 0-based line of <see cref="Code"/>, or empty past the end.</summary>
    public string CodeLine(int codeLine)
    {
        var lines = Code.Split('\n');
        return codeLine >= 0 && codeLine < lines.Length ? lines[codeLine].TrimEnd('\r') : string.Empty;
    }
}
