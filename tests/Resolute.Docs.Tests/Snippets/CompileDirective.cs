using System.Text.RegularExpressions;

namespace Resolute.Docs.Tests.Snippets;

/// <summary>
/// What an HTML comment right before a C# block says about compiling it:
/// <c>&lt;!-- compile: context=NAME --&gt;</c> names the context the fragment compiles in (default
/// <see cref="DefaultContext"/>), and <c>expect CS0029</c> marks a block that shows wrong code on purpose: it must then
/// fail with that error and no other.
/// </summary>
/// <param name="Context">The context's name (see <see cref="SnippetContexts"/>).</param>
/// <param name="ExpectedError">The error id the block must fail with, or null when it must compile.</param>
/// <param name="Problem">Why the directive could not be read, or null.</param>
public sealed partial record CompileDirective(string Context, string? ExpectedError, string? Problem)
{
    /// <summary>The context of a block with no directive.</summary>
    public const string DefaultContext = "fragment";

    /// <summary>The directive of a block without one.</summary>
    public static CompileDirective Default { get; } = new(DefaultContext, null, null);

    /// <summary>Whether <paramref name="line"/> is a compile directive (well formed or not).</summary>
    public static bool IsDirective(string line) => line.TrimStart().StartsWith("<!-- compile:", StringComparison.Ordinal);

    /// <summary>Reads a directive line; an unknown word, a missing <c>--&gt;</c> or a bad error id is a <see cref="Problem"/>.</summary>
    public static CompileDirective Parse(string line)
    {
        var text = line.Trim();
        if (!text.EndsWith("-->", StringComparison.Ordinal))
        {
            return new(DefaultContext, null, $"the directive '{text}' does not end with '-->' on the same line");
        }

        var body = text["<!-- compile:".Length..^"-->".Length].Trim();
        var context = DefaultContext;
        string? expected = null;
        var words = body.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < words.Length; i++)
        {
            var word = words[i];
            if (word.StartsWith("context=", StringComparison.Ordinal))
            {
                context = word["context=".Length..];
            }
            else if (word == "expect" && i + 1 < words.Length)
            {
                expected = words[++i];
            }
            else if (word.StartsWith("expect=", StringComparison.Ordinal))
            {
                expected = word["expect=".Length..];
            }
            else
            {
                return new(context, expected, $"the directive '{text}' has the unknown word '{word}'; write <!-- compile: context=NAME --> and/or <!-- compile: expect CS0000 -->");
            }
        }

        if (expected is not null && !ErrorId().IsMatch(expected))
        {
            return new(context, null, $"the directive '{text}' expects '{expected}', which is not a C# error id such as CS0029");
        }

        return new(context, expected, null);
    }

    [GeneratedRegex("^CS[0-9]{4}$")]
    private static partial Regex ErrorId();
}
