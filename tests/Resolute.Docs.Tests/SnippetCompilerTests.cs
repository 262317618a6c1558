using Resolute.Docs.Tests.Snippets;

namespace Resolute.Docs.Tests;

/// <summary>The checker itself: a block that does not compile is reported with its file and line; directives are kept.</summary>
[Trait("Area", "Docs")]
public sealed class SnippetCompilerTests
{
    private const string Page = """
        # A page

        Some text.

        ```csharp
        var flow = Flow.Create("x")
            .TriggeredBy(Trigger.Manual())
            .Then(noSuchNode)
            .Build();
        ```
        """;

    [Fact]
    public void A_block_that_does_not_compile_is_reported_with_file_line_diagnostic_and_source_line()
    {
        var (blocks, problems) = MarkdownCodeBlocks.Read("docs/example.md", Page);
        Assert.Empty(problems);
        var block = Assert.Single(blocks);
        Assert.Equal(5, block.Line);

        var report = SnippetCompiler.Check(block, SnippetContexts.All);

        Assert.NotNull(report);
        Assert.StartsWith("docs/example.md:5: the block does not compile in context 'fragment'", report, StringComparison.Ordinal);
        Assert.Contains("docs/example.md:8: error CS0103: The name 'noSuchNode' does not exist in the current context", report, StringComparison.Ordinal);
        Assert.Contains(".Then(noSuchNode)", report, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fragment_compiles_against_the_names_its_context_gives_and_may_shadow_them()
    {
        var (blocks, _) = MarkdownCodeBlocks.Read("docs/example.md", """
            ```cs
            var flow = Flow.Create("x").TriggeredBy(Trigger.Manual()).Then(merge).Build();   // shadows the context's flow
            builder.AddResolute(r => r.AddFlow(flow).UsePostgres(connectionString));
            ```
            """);

        Assert.Null(SnippetCompiler.Check(Assert.Single(blocks), SnippetContexts.All));
    }

    [Fact]
    public void An_expected_error_passes_only_when_the_block_fails_with_exactly_that_error()
    {
        var (blocks, _) = MarkdownCodeBlocks.Read("docs/example.md", """
            <!-- compile: expect CS0029 -->
            ```csharp
            int count = "three";
            ```

            <!-- compile: expect CS0029 -->
            ```csharp
            int count = 3;
            ```

            <!-- compile: expect CS0029 -->
            ```csharp
            int count = "three";
            Undeclared();
            ```
            """);

        Assert.Equal(3, blocks.Count);
        Assert.Null(SnippetCompiler.Check(blocks[0], SnippetContexts.All));
        Assert.Contains("docs/example.md:7: the block is marked 'expect CS0029' but compiles", SnippetCompiler.Check(blocks[1], SnippetContexts.All), StringComparison.Ordinal);
        Assert.Contains("error CS0103", SnippetCompiler.Check(blocks[2], SnippetContexts.All), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_context_or_a_malformed_directive_fails_naming_the_file_and_line()
    {
        var (blocks, _) = MarkdownCodeBlocks.Read("docs/example.md", """
            <!-- compile: context=nowhere -->
            ```csharp
            var x = 1;
            ```
            <!-- compile: skip -->
            ```csharp
            var y = 2;
            ```
            """);

        var unknown = SnippetCompiler.Check(blocks[0], SnippetContexts.All);
        Assert.StartsWith("docs/example.md:2: the block names the compile context 'nowhere', which does not exist. Known contexts: fragment, persistence, program, shop", unknown, StringComparison.Ordinal);
        var malformed = SnippetCompiler.Check(blocks[1], SnippetContexts.All);
        Assert.StartsWith("docs/example.md:5: the directive '<!-- compile: skip -->' has the unknown word 'skip'", malformed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directive_with_no_csharp_block_after_it_is_reported()
    {
        var (blocks, problems) = MarkdownCodeBlocks.Read("docs/example.md", """
            <!-- compile: context=shop -->
            Text in between.

            ```csharp
            var x = 1;
            ```

            <!-- compile: context=shop -->
            ```bash
            echo hi
            ```
            """);

        Assert.Equal(CompileDirective.DefaultContext, Assert.Single(blocks).Directive.Context);
        Assert.Equal(
            ["docs/example.md:1: a compile directive with no ```csharp block right after it (only blank lines may come between)",
             "docs/example.md:8: a compile directive with no ```csharp block right after it (only blank lines may come between)"],
            problems);
    }

    [Fact]
    public void A_whole_file_block_gets_nothing_but_the_implicit_usings()
    {
        var (blocks, _) = MarkdownCodeBlocks.Read("docs/example.md", """
            <!-- compile: context=program -->
            ```csharp
            using Resolute;

            var flow = Flow.Create("x").TriggeredBy(Trigger.Manual()).Then(merge).Build();
            ```
            """);

        var report = SnippetCompiler.Check(Assert.Single(blocks), SnippetContexts.All);

        Assert.Contains("docs/example.md:5: error CS0103: The name 'merge' does not exist", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Blocks_indented_in_a_list_are_found_and_other_languages_are_not()
    {
        var (blocks, _) = MarkdownCodeBlocks.Read("docs/example.md", """
            - an item:

              ```csharp
              var x = 1;
              ```

            ```bash
            dotnet test
            ```
            """);

        var block = Assert.Single(blocks);
        Assert.Equal(3, block.Line);
        Assert.Equal("var x = 1;", block.Code);
    }
}
