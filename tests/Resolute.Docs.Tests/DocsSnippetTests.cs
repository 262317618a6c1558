using Resolute.Docs.Tests.Snippets;

namespace Resolute.Docs.Tests;

/// <summary>
/// Every C# block of the README and the docs compiles in the context its directive names (or the default), or fails
/// with exactly the error it says it shows. See <c>docs/README.md</c> ("C# blocks are compiled") for the convention.
/// </summary>
[Trait("Area", "Docs")]
public sealed class DocsSnippetTests
{
    /// <summary>One case per block, named <c>file:line</c>.</summary>
    public static TheoryData<string> Blocks()
    {
        var data = new TheoryData<string>();
        foreach (var block in DocsRepository.Blocks)
        {
            data.Add(block.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void The_csharp_block_compiles_in_its_context(string block)
    {
        var found = DocsRepository.Blocks.Single(b => b.Id == block);
        var problem = SnippetCompiler.Check(found, SnippetContexts.All);
        Assert.True(problem is null, problem);
    }

    [Fact]
    public void The_scan_finds_the_blocks_of_the_readme_the_docs_and_the_package_readmes()
    {
        var files = DocsRepository.Blocks.Select(b => b.File).Distinct().ToList();
        Assert.Contains("README.md", files);
        Assert.Contains("src/PACKAGES.md", files);
        Assert.Contains(files, f => f.StartsWith("docs/", StringComparison.Ordinal));
        Assert.Contains(files, f => f.StartsWith("src/Resolute.", StringComparison.Ordinal) && f.EndsWith("/README.md", StringComparison.Ordinal));
        Assert.True(DocsRepository.Blocks.Count >= 20, $"only {DocsRepository.Blocks.Count} C# blocks found: {string.Join(", ", DocsRepository.Blocks.Select(b => b.Id))}");
    }

    [Fact]
    public void Every_compile_directive_stands_right_before_a_csharp_block()
    {
        Assert.True(DocsRepository.DirectiveProblems.Count == 0, string.Join('\n', DocsRepository.DirectiveProblems));
    }

    [Fact]
    public void Every_block_that_expects_an_error_names_one_and_at_least_one_page_shows_one()
    {
        // The docs show at least one mistake the compiler catches (a node fed the wrong type); the test keeps it honest.
        Assert.True(
            DocsRepository.Blocks.Any(b => b.Directive.ExpectedError is not null),
            "no C# block of the docs is marked <!-- compile: expect CSxxxx -->; docs/concepts.md shows a node fed the wrong type");
    }
}
