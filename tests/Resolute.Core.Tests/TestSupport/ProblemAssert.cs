namespace Resolute.Tests.TestSupport;

/// <summary>Assertions on the text of a build problem: what is wrong, where, and how to fix it.</summary>
internal static class ProblemAssert
{
    /// <summary>Asserts that <paramref name="problem"/> contains every one of <paramref name="parts"/> (ordinal).</summary>
    public static void Mentions(string problem, params string[] parts)
    {
        foreach (var part in parts)
        {
            Assert.Contains(part, problem, StringComparison.Ordinal);
        }
    }

    /// <summary>Finds the one problem containing <paramref name="marker"/> and asserts it mentions <paramref name="parts"/>.</summary>
    public static string Single(IReadOnlyList<string> problems, string marker, params string[] parts)
    {
        var problem = Assert.Single(problems, p => p.Contains(marker, StringComparison.Ordinal));
        Mentions(problem, parts);
        return problem;
    }
}
