using Resolute.Docs.Tests.Contexts;
using Resolute.Docs.Tests.Contexts.Persistence;
using Resolute.Docs.Tests.Contexts.Shop;

namespace Resolute.Docs.Tests.Snippets;

/// <summary>
/// The contexts a block may name with <c>&lt;!-- compile: context=NAME --&gt;</c>. Add one here (with its class in
/// <c>Contexts/</c>) when a page needs names the others do not give; keep each small and say what it is for.
/// </summary>
public static class SnippetContexts
{
    private static readonly string[] Application =
    [
        "Resolute", "Resolute.Client", "Resolute.Contracts", "Resolute.Orchestration", "Resolute.Orchestration.Schedules",
        "Resolute.Workers", "MassTransit", "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection",
        "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging", "Microsoft.AspNetCore.Builder",
        "Microsoft.AspNetCore.Diagnostics.HealthChecks", "Microsoft.AspNetCore.Http", "Resolute.Docs.Tests.Contexts",
    ];

    /// <summary>Every context by name.</summary>
    public static IReadOnlyDictionary<string, SnippetContext> All { get; } = new Dictionary<string, SnippetContext>(StringComparer.Ordinal)
    {
        // The default: a fragment of an application that uses Resolute (see FragmentContext for its names).
        [CompileDirective.DefaultContext] = new(CompileDirective.DefaultContext, typeof(FragmentContext), Application),

        // Node classes that take an application's services from DI (a shop DbContext, an audit log).
        ["shop"] = new("shop", typeof(ShopContext), [.. Application, "Microsoft.EntityFrameworkCore", "Resolute.Docs.Tests.Contexts.Shop"]),

        // The parts wired by hand: the saga, its EF Core repository, the transactional outbox.
        ["persistence"] = new("persistence", typeof(PersistenceContext),
        [
            .. Application, "Microsoft.EntityFrameworkCore", "Resolute.Orchestration.Sagas", "Resolute.Orchestration.Runs",
            "Resolute.Persistence.EntityFrameworkCore", "Resolute.Persistence.EntityFrameworkCore.Outbox",
            "Resolute.Docs.Tests.Contexts.Persistence",
        ]),

        // Unit tests of a flow with Resolute.Testing: a fragment over docs/testing-flows.md's flow and its types
        // (compiled for real in tests/Resolute.Testing.Tests/Docs), with xunit's asserts.
        ["testing"] = new("testing", typeof(FragmentContext), [.. Application, "Resolute.Testing", "Resolute.Testing.Tests.Docs", "Xunit"]),

        // A whole test file of such tests: its declarations, with the usings a test project of the page would have.
        ["testing-file"] = new("testing-file", null, ["Resolute", "Resolute.Contracts", "Resolute.Testing", "Resolute.Testing.Tests.Docs", "Xunit"]),

        // A whole C# file of a console project: its own usings and declarations, nothing given.
        ["program"] = new("program", null, []),
    };
}
