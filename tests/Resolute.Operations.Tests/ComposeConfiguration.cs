using YamlDotNet.RepresentationModel;

namespace Resolute.Operations.Tests;

/// <summary>
/// <c>docker-compose.yml</c> as Docker Compose reads it: <c>docker-compose --env-file .env.example config</c> (the Debian
/// package docker-compose 1.29, which validates the file against its schema and prints it normalised, variables
/// substituted, anchors merged), run once for a test class.
/// </summary>
public sealed class ComposeConfiguration : IAsyncLifetime
{
    public const string ExampleEnvFile = ".env.example";

    private CommandResult? _result;
    private YamlMappingNode? _services;

    /// <summary>The settings of <see cref="ExampleEnvFile"/>.</summary>
    public IReadOnlyDictionary<string, string> ExampleSettings { get; } = ReadEnvFile(RepositoryFiles.PathOf(ExampleEnvFile));

    /// <summary>How <c>docker-compose config</c> ended.</summary>
    public CommandResult Result => _result ?? throw new InvalidOperationException("Not run yet.");

    /// <summary>The normalised <c>services</c>.</summary>
    public YamlMappingNode Services => _services ?? throw new InvalidOperationException($"docker-compose config failed: {Result}");

    public YamlMappingNode Service(string name) => Services.Map(name);

    /// <summary>The services that run Resolute in the worker role (<c>Resolute__Roles: Worker</c>).</summary>
    public IReadOnlyList<(string Name, YamlMappingNode Service)> WorkerPools =>
        Services.Entries()
            .Where(s => s.Value.Find("environment")?.ScalarOrNull("Resolute__Roles") == "Worker")
            .Select(s => (s.Key, (YamlMappingNode)s.Value))
            .ToList();

    /// <summary>A service's environment as Compose passes it to the container.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentOf(string service) =>
        Service(service).Map("environment").Entries().ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value ?? "", StringComparer.Ordinal);

    /// <summary>Runs <c>docker-compose config</c> with <paramref name="envFile"/>, from a folder of no project.</summary>
    public static async Task<CommandResult> RunConfigAsync(string envFile)
    {
        var compose = FindOnPath("docker-compose") ?? throw new InvalidOperationException(
            "docker-compose is not installed (the Debian package docker-compose, 1.29, without the Docker engine). "
            + "infra/scripts/test.sh installs it: run the tests through it, e.g. `infra/scripts/test.sh --filter Area=Operations`.");
        var workingDirectory = Directory.CreateTempSubdirectory("resolute-compose-").FullName;
        try
        {
            // Variables of this process would override the env file's (Compose prefers the shell's): none may leak in.
            var environment = ReadEnvFile(RepositoryFiles.PathOf(ExampleEnvFile)).Keys.ToDictionary(k => k, string? (_) => null);
            return await ExternalCommand.RunAsync(
                compose,
                ["-f", RepositoryFiles.PathOf("docker-compose.yml"), "--env-file", envFile, "config"],
                workingDirectory,
                TimeSpan.FromMinutes(2),
                environment);
        }
        finally
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }

    public async Task InitializeAsync()
    {
        _result = await RunConfigAsync(RepositoryFiles.PathOf(ExampleEnvFile));
        if (_result.ExitCode == 0)
        {
            _services = YamlNavigation.LoadDocuments(_result.Output).Single().Map("services");
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The <c>KEY=VALUE</c> lines of an env file (comments and blank lines skipped).</summary>
    public static Dictionary<string, string> ReadEnvFile(string path) =>
        File.ReadAllLines(path)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => p.Length > 1 ? p[1].Trim() : "", StringComparer.Ordinal);

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program))
            .FirstOrDefault(File.Exists);
}
