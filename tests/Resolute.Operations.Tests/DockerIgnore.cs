using System.Text;
using System.Text.RegularExpressions;

namespace Resolute.Operations.Tests;

/// <summary>
/// The rules of a <c>.dockerignore</c>: which files of the build context Docker leaves out. Each line is a pattern
/// relative to the context (<c>*</c> within a name, <c>?</c> one character, <c>**</c> any number of folders); a
/// pattern that matches a folder leaves out everything in it; <c>!</c> brings matches back; the last matching line
/// decides.
/// </summary>
internal sealed class DockerIgnore
{
    private readonly IReadOnlyList<(Regex Pattern, bool Excludes, string Text)> _rules;

    private DockerIgnore(IReadOnlyList<(Regex, bool, string)> rules) => _rules = rules;

    public static DockerIgnore Load(string path) => Parse(File.ReadAllLines(path));

    public static DockerIgnore Parse(IEnumerable<string> lines)
    {
        var rules = new List<(Regex, bool, string)>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var excludes = !line.StartsWith('!');
            var pattern = (excludes ? line : line[1..]).Trim().Trim('/');
            rules.Add((new Regex("^" + ToRegex(pattern) + "$", RegexOptions.CultureInvariant), excludes, line));
        }

        return new DockerIgnore(rules);
    }

    /// <summary>Whether Docker leaves <paramref name="relativePath"/> (<c>/</c>-separated, relative to the context) out.</summary>
    public bool Excludes(string relativePath)
    {
        var excluded = false;
        foreach (var (pattern, excludes, _) in _rules)
        {
            if (SelfAndFolders(relativePath).Any(pattern.IsMatch))
            {
                excluded = excludes;
            }
        }

        return excluded;
    }

    private static IEnumerable<string> SelfAndFolders(string path)
    {
        for (var end = path.IndexOf('/', StringComparison.Ordinal); end >= 0; end = path.IndexOf('/', end + 1))
        {
            yield return path[..end];
        }

        yield return path;
    }

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (string.CompareOrdinal(pattern, i, "**/", 0, 3) == 0)
            {
                regex.Append("(.*/)?");
                i += 2;
            }
            else if (string.CompareOrdinal(pattern, i, "**", 0, 2) == 0)
            {
                regex.Append(".*");
                i++;
            }
            else
            {
                regex.Append(pattern[i] switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    var c => Regex.Escape(c.ToString()),
                });
            }
        }

        return regex.ToString();
    }
}
