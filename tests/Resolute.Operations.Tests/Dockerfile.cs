using System.Text.Json;

namespace Resolute.Operations.Tests;

/// <summary>
/// A Dockerfile read into its stages and instructions: comments dropped, continuation lines (<c>\</c>) joined. Enough
/// of the format for the files under <c>infra/docker</c>; it does not expand variables.
/// </summary>
internal sealed class Dockerfile
{
    private Dockerfile(string path, IReadOnlyList<DockerStage> stages)
    {
        Path = path;
        Stages = stages;
    }

    public static string Folder { get; } = RepositoryFiles.PathOf("infra", "docker");

    /// <summary>The Dockerfiles of the sample's images.</summary>
    public static IReadOnlyList<string> All { get; } =
        Directory.EnumerateFiles(Folder, "*.Dockerfile").Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    public string Path { get; }

    public string Name => System.IO.Path.GetFileName(Path);

    public IReadOnlyList<DockerStage> Stages { get; }

    public DockerStage Final => Stages[^1];

    public static Dockerfile Load(string fileName)
    {
        var path = System.IO.Path.Combine(Folder, fileName);
        var stages = new List<DockerStage>();
        List<DockerInstruction>? instructions = null;
        var pending = "";
        var number = 0;
        var startLine = 0;
        foreach (var raw in File.ReadAllLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (pending.Length == 0)
            {
                startLine = number;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].TrimEnd() + " ";
                continue;
            }

            var text = (pending + line).Trim();
            pending = "";
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            var instruction = new DockerInstruction(text[..space].ToUpperInvariant(), text[(space + 1)..].Trim(), startLine);
            if (instruction.Keyword == "FROM")
            {
                var parts = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                instructions = [];
                stages.Add(new DockerStage(parts[0], parts.Length == 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : null, instructions));
            }
            else
            {
                (instructions ?? throw new FormatException($"{path}:{number}: {instruction.Keyword} before the first FROM is not supported here.")).Add(instruction);
            }
        }

        return new Dockerfile(path, stages);
    }

    public override string ToString() => Name;
}

/// <summary>A build stage: <c>FROM BaseImage [AS Name]</c> and what follows until the next <c>FROM</c>.</summary>
internal sealed record DockerStage(string BaseImage, string? Name, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);

    public DockerInstruction? Last(string keyword) => Instructions.LastOrDefault(i => i.Keyword == keyword);
}

/// <summary>One instruction, its keyword upper-cased and its continuation lines joined.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments, int Line)
{
    /// <summary>The exec form's words (<c>["dotnet", "app.dll"]</c>), after any <c>--option=value</c> flags and a leading <c>CMD</c>.</summary>
    public IReadOnlyList<string> ExecForm()
    {
        var start = Arguments.IndexOf('[', StringComparison.Ordinal);
        if (start < 0)
        {
            throw new FormatException($"line {Line}: {Keyword} {Arguments} is not in exec form");
        }

        return JsonSerializer.Deserialize<List<string>>(Arguments[start..]) ?? [];
    }

    public override string ToString() => $"line {Line}: {Keyword} {Arguments}";
}
