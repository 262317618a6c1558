using System.Text.RegularExpressions;

namespace Resolute.Operations.Tests;

/// <summary>
/// Runs a Dockerfile's build stage as written, without Docker: a folder stands for the image's file system, <c>COPY</c>
/// takes files from the build context (the repository root) minus what <c>.dockerignore</c> leaves out, <c>ARG</c> and
/// <c>ENV</c> become environment variables, and each <c>RUN</c> runs with <c>/bin/sh -c</c> in the <c>WORKDIR</c>, its
/// absolute paths moved into the folder. What the SDK image brings (the .NET SDK) comes from this machine.
/// Supports what the stages under <c>infra/docker</c> use; anything else fails the test, naming the instruction.
/// </summary>
internal static partial class DockerBuildStage
{
    public static async Task<IReadOnlyList<CommandResult>> RunAsync(
        DockerStage stage, string root, IReadOnlyDictionary<string, string> buildArguments, DockerIgnore ignore)
    {
        var results = new List<CommandResult>();
        var workdir = "/";
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            // No MSBuild node or compiler server may outlive the command (they would hold its output pipes open).
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            ["UseSharedCompilation"] = "false",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };

        // What `dotnet test` set for its own MSBuild must not steer the SDK run here.
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(n => n.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) && !environment.ContainsKey(n)))
        {
            environment[name] = null;
        }

        foreach (var instruction in stage.Instructions)
        {
            switch (instruction.Keyword)
            {
                case "WORKDIR":
                    workdir = InImage(workdir, instruction.Arguments);
                    Directory.CreateDirectory(OnDisk(root, workdir));
                    break;
                case "COPY":
                    Copy(instruction, root, workdir, ignore);
                    break;
                case "ARG":
                    var (name, fallback) = Split(instruction.Arguments, '=');
                    var argument = buildArguments.TryGetValue(name, out var given) ? given : fallback;
                    if (argument is not null)
                    {
                        environment[name] = argument;
                    }

                    break;
                case "ENV":
                    var (key, value) = Split(instruction.Arguments, '=');
                    environment[key] = value ?? throw new NotSupportedException($"{instruction}: write ENV KEY=VALUE");
                    break;
                case "RUN":
                    var command = AbsolutePath().Replace(instruction.Arguments, root.TrimEnd('/') + "/");
                    var result = await ExternalCommand.RunAsync("/bin/sh", ["-c", command], OnDisk(root, workdir), TimeSpan.FromMinutes(10), environment);
                    results.Add(result);
                    if (result.ExitCode != 0)
                    {
                        throw new InvalidOperationException($"{instruction} failed: {result}");
                    }

                    break;
                default:
                    throw new NotSupportedException($"{instruction}: this test does not run {instruction.Keyword} in a build stage; teach DockerBuildStage.");
            }
        }

        return results;
    }

    /// <summary>Where <paramref name="imagePath"/> (absolute, in the image) is under <paramref name="root"/>.</summary>
    public static string OnDisk(string root, string imagePath) => Path.Combine(root, imagePath.TrimStart('/'));

    private static void Copy(DockerInstruction instruction, string root, string workdir, DockerIgnore ignore)
    {
        var words = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Any(w => w.StartsWith("--", StringComparison.Ordinal)) || instruction.Arguments.StartsWith('['))
        {
            throw new NotSupportedException($"{instruction}: options and the JSON form of COPY are not supported in a build stage here.");
        }

        var destination = words[^1];
        var sources = words[..^1];
        var intoFolder = destination.EndsWith('/') || destination is "." or "./";
        if (sources.Length > 1 && !intoFolder)
        {
            throw new InvalidOperationException($"{instruction}: Docker needs a destination ending in / for several sources.");
        }

        var target = OnDisk(root, InImage(workdir, destination));
        foreach (var source in sources)
        {
            var relative = source.Trim('/');
            var path = Path.Combine(RepositoryFiles.Root, relative);
            if (Directory.Exists(path))
            {
                // A folder's contents, not the folder itself.
                CopyFolder(path, relative, target, ignore);
            }
            else if (File.Exists(path) && !ignore.Excludes(relative))
            {
                var file = intoFolder ? Path.Combine(target, Path.GetFileName(path)) : target;
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.Copy(path, file);
            }
            else
            {
                throw new InvalidOperationException($"{instruction}: '{source}' is not in the build context (missing, or left out by .dockerignore).");
            }
        }
    }

    private static void CopyFolder(string folder, string relative, string target, DockerIgnore ignore)
    {
        Directory.CreateDirectory(target);
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
        {
            var name = Path.GetFileName(entry);
            var entryRelative = relative.Length == 0 ? name : $"{relative}/{name}";
            if (ignore.Excludes(entryRelative))
            {
                continue;
            }

            if (Directory.Exists(entry))
            {
                CopyFolder(entry, entryRelative, Path.Combine(target, name), ignore);
            }
            else
            {
                File.Copy(entry, Path.Combine(target, name));
            }
        }
    }

    private static string InImage(string workdir, string path) =>
        path.StartsWith('/') ? path : (workdir.TrimEnd('/') + "/" + path).Replace("/./", "/", StringComparison.Ordinal);

    private static (string Name, string? Value) Split(string text, char separator)
    {
        var at = text.IndexOf(separator, StringComparison.Ordinal);
        return at < 0 ? (text.Trim(), null) : (text[..at].Trim(), text[(at + 1)..].Trim());
    }

    /// <summary>An absolute path where a word starts: <c> /app/publish</c>.</summary>
    [GeneratedRegex(@"(?<=^|\s)/(?=[A-Za-z])")]
    private static partial Regex AbsolutePath();
}
