using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Resolute.Docs.Tests.Snippets;

/// <summary>
/// Compiles one <see cref="CodeBlock"/> with Roslyn in its context, against the assemblies this test process runs with
/// (the runtime, ASP.NET Core, Resolute and everything it depends on), and says what went wrong in terms of the
/// Markdown file: its line, the diagnostic and the offending source line.
/// </summary>
public static class SnippetCompiler
{
    // The SDK's implicit usings of a console project: what a whole-file block may take for granted.
    private static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>The outcome: null when the block did what its directive says, else the report of what it did instead.</summary>
    /// <param name="block">The block.</param>
    /// <param name="contexts">The contexts by name.</param>
    public static string? Check(CodeBlock block, IReadOnlyDictionary<string, SnippetContext> contexts)
    {
        var directive = block.Directive;
        if (directive.Problem is not null)
        {
            return $"{block.File}:{block.Line - 1}: {directive.Problem}";
        }

        if (!contexts.TryGetValue(directive.Context, out var context))
        {
            return $"{block.Id}: the block names the compile context '{directive.Context}', which does not exist. Known contexts: "
                + $"{string.Join(", ", contexts.Keys.Order(StringComparer.Ordinal))} (tests/Resolute.Docs.Tests/Contexts).";
        }

        var errors = Compile(block.Code, block.File, context)
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .ToList();

        if (directive.ExpectedError is { } expected)
        {
            if (errors.Count == 0)
            {
                return $"{block.Id}: the block is marked 'expect {expected}' but compiles in context '{context.Name}'. Remove the directive, or make the block show the error again.";
            }

            var others = errors.Where(e => e.Id != expected).ToList();
            return others.Count == 0
                ? null
                : $"{block.Id}: the block is marked 'expect {expected}' but fails with other errors too, in context '{context.Name}':\n{Describe(block, others)}";
        }

        return errors.Count == 0
            ? null
            : $"{block.Id}: the block does not compile in context '{context.Name}':\n{Describe(block, errors)}";
    }

    /// <summary>Compiles <paramref name="code"/> in <paramref name="context"/> and returns every diagnostic.</summary>
    public static IReadOnlyList<Diagnostic> Compile(string code, string path, SnippetContext context)
    {
        var language = LanguageVersion.Latest;
        if (context.GlobalsType is null)
        {
            var tree = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(language), path);
            var globalUsings = CSharpSyntaxTree.ParseText(
                string.Concat(ImplicitUsings.Concat(context.Usings).Select(u => $"global using {u};\n")),
                new CSharpParseOptions(language),
                "GlobalUsings.g.cs");
            var hasStatements = tree.GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();
            var file = CSharpCompilation.Create(
                "DocsSnippet",
                [tree, globalUsings],
                References.Value,
                new CSharpCompilationOptions(
                    hasStatements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                    nullableContextOptions: NullableContextOptions.Enable));
            return file.GetDiagnostics();
        }

        var script = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(language, kind: SourceCodeKind.Script), path);
        var compilation = CSharpCompilation.CreateScriptCompilation(
            "DocsSnippet",
            script,
            References.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                usings: ImplicitUsings.Concat(context.Usings),
                nullableContextOptions: NullableContextOptions.Enable),
            globalsType: context.GlobalsType);
        return compilation.GetDiagnostics();
    }

    private static string Describe(CodeBlock block, IEnumerable<Diagnostic> errors) =>
        string.Join('\n', errors.Select(e =>
        {
            var codeLine = e.Location.IsInSource ? e.Location.GetLineSpan().StartLinePosition.Line : -1;
            var where = codeLine >= 0 ? $"{block.File}:{block.FileLineOf(codeLine)}" : block.Id;
            return $"  {where}: error {e.Id}: {e.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}\n      {block.CodeLine(codeLine).Trim()}";
        }));

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The trusted platform assemblies are what this process runs with: the shared frameworks (Microsoft.NETCore.App,
        // Microsoft.AspNetCore.App) and every assembly of this test project's dependency graph, Resolute's included.
        var paths = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(typeof(SnippetCompiler).Assembly.Location)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase);
        return [.. paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }
}
