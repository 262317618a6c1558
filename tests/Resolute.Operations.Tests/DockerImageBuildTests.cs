using System.Diagnostics;
using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace Resolute.Operations.Tests;

/// <summary>
/// Each Dockerfile's build stage runs as written — its <c>COPY</c> of the build context with <c>.dockerignore</c>
/// applied, its <c>RUN dotnet publish</c> — and leaves the program the final stage copies and starts. Without a Docker
/// engine (none runs here or in CI) this is what can drift: a project the context lacks, a publish that no longer
/// builds, an entry point that names another dll. Stages written alike (the orchestrator's and the worker's) run once.
/// </summary>
[Trait("Area", "Operations")]
public sealed class DockerImageBuildTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Each_build_stage_publishes_the_program_its_image_starts()
    {
        var ignore = DockerIgnore.Load(RepositoryFiles.PathOf(".dockerignore"));
        var arguments = new Dictionary<string, string>
        {
            // What BuildKit passes (docker compose v2, docker build): this machine's architecture in Docker's words.
            ["TARGETARCH"] = RuntimeInformation.OSArchitecture switch
            {
                Architecture.X64 => "amd64",
                Architecture.Arm64 => "arm64",
                var other => throw new PlatformNotSupportedException($"No TARGETARCH for {other}"),
            },
        };
        var roots = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var dockerfile in Dockerfile.All.Select(Dockerfile.Load))
            {
                var copy = dockerfile.Final.All("COPY").Single().Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var build = dockerfile.Stages.Single(s => $"--from={s.Name}" == copy[0]);
                var key = build.BaseImage + "\n" + string.Join('\n', build.Instructions.Select(i => $"{i.Keyword} {i.Arguments}"));
                if (!roots.TryGetValue(key, out var root))
                {
                    root = Directory.CreateTempSubdirectory("resolute-image-build-").FullName;
                    roots.Add(key, root);
                    var clock = Stopwatch.StartNew();
                    var results = await DockerBuildStage.RunAsync(build, root, arguments, ignore);
                    output.WriteLine($"{dockerfile}: build stage '{build.Name}' ran {results.Count} RUN in {clock.Elapsed.TotalSeconds:0.0} s");
                }
                else
                {
                    output.WriteLine($"{dockerfile}: build stage '{build.Name}' is the same as one already run");
                }

                var published = DockerBuildStage.OnDisk(root, copy[1]);
                var entryDll = dockerfile.Final.Last("ENTRYPOINT")!.ExecForm()[1];
                Assert.True(File.Exists(Path.Combine(published, entryDll)), $"{dockerfile}: {entryDll} is not in {copy[1]} after the build stage");
                Assert.True(File.Exists(Path.Combine(published, Path.ChangeExtension(entryDll, ".runtimeconfig.json"))), $"{dockerfile}: no runtimeconfig for {entryDll}");
                Assert.DoesNotContain(Directory.EnumerateFiles(published), f => Path.GetFileName(f) == Path.GetFileNameWithoutExtension(entryDll));  // UseAppHost=false

                // The image's health check command runs on the published program: nothing listens on port 1.
                if (dockerfile.Final.All("HEALTHCHECK").Single().Arguments != "NONE")
                {
                    var probe = dockerfile.Final.All("HEALTHCHECK").Single().ExecForm().ToList();
                    probe[^1] = new UriBuilder(probe[^1]) { Host = "127.0.0.1", Port = 1 }.Uri.ToString();
                    var result = await ExternalCommand.RunAsync(probe[0], probe.Skip(1), published, TimeSpan.FromSeconds(60));
                    Assert.True(result.ExitCode == 1 && result.Output.Contains("did not answer", StringComparison.Ordinal), $"{dockerfile}: {string.Join(' ', probe)}: {result}");
                }
            }
        }
        finally
        {
            foreach (var root in roots.Values)
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
