using Resolute.Samples.EnrichIssues.Service;

namespace Resolute.Operations.Tests;

/// <summary>
/// The sample's Dockerfiles: multi-stage (the SDK builds, a .NET runtime image runs), a non-root user, an exec-form
/// entry point, and the service images' health check probing a path the service maps; the build context's
/// <c>.dockerignore</c> keeps build output out and the sources in.
/// </summary>
[Trait("Area", "Operations")]
public sealed class DockerfileTests
{
    private static readonly string[] RuntimeImages = ["mcr.microsoft.com/dotnet/aspnet:10.0", "mcr.microsoft.com/dotnet/runtime:10.0"];

    /// <summary>How a Dockerfile names the .NET images' non-root user.</summary>
    private static readonly string[] NonRootUsers = ["$APP_UID", "${APP_UID}", "app", "1654"];

    public static TheoryData<string> Dockerfiles => new(Dockerfile.All);

    [Fact]
    public void There_is_an_image_for_the_orchestrator_a_worker_pool_and_the_start_publisher()
    {
        Assert.Equal(["orchestrator.Dockerfile", "start-publisher.Dockerfile", "worker.Dockerfile"], Dockerfile.All);
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Each_image_is_built_by_the_sdk_and_runs_on_a_runtime_image_as_a_non_root_user(string name)
    {
        var dockerfile = Dockerfile.Load(name);

        Assert.True(dockerfile.Stages.Count >= 2, $"{name} has {dockerfile.Stages.Count} stage(s)");
        var build = dockerfile.Stages[0];
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0", build.BaseImage);
        Assert.Contains(build.All("RUN"), r => r.Arguments.StartsWith("dotnet publish ", StringComparison.Ordinal) && r.Arguments.Contains("-c Release", StringComparison.Ordinal));
        Assert.Contains(dockerfile.Final.BaseImage, RuntimeImages);

        // The final stage takes only the build stage's publish output.
        var copy = Assert.Single(dockerfile.Final.All("COPY"));
        Assert.StartsWith($"--from={build.Name} /app/publish ", copy.Arguments, StringComparison.Ordinal);

        // The last USER before the entry point is the .NET images' non-root app user (UID 1654).
        var user = dockerfile.Final.Last("USER");
        Assert.NotNull(user);
        Assert.Contains(user.Arguments, NonRootUsers);
        Assert.True(user.Line < dockerfile.Final.Last("ENTRYPOINT")!.Line, $"{name}: USER comes after ENTRYPOINT");

        var entryPoint = dockerfile.Final.Last("ENTRYPOINT")!.ExecForm();
        Assert.Equal("dotnet", entryPoint[0]);
        Assert.EndsWith(".dll", entryPoint[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("orchestrator.Dockerfile", "Orchestrator")]
    [InlineData("worker.Dockerfile", "Worker")]
    public void The_service_images_set_their_role_and_probe_the_service_health(string name, string role)
    {
        var dockerfile = Dockerfile.Load(name);
        var final = dockerfile.Final;

        Assert.Contains(final.All("ENV"), e => e.Arguments == $"Resolute__Roles={role}");
        Assert.Contains(final.All("EXPOSE"), e => e.Arguments == "8080");
        var entryDll = final.Last("ENTRYPOINT")!.ExecForm()[1];
        Assert.Equal("Resolute.Samples.EnrichIssues.Service.dll", entryDll);

        var healthcheck = Assert.Single(final.All("HEALTHCHECK"));
        var probe = healthcheck.ExecForm();
        Assert.Equal(["dotnet", entryDll, HealthProbe.Argument], probe.Take(3));
        var address = new Uri(probe[3]);
        Assert.Equal(8080, address.Port);
        Assert.True(address.AbsolutePath is ServiceHealthEndpoints.ReadyPath or ServiceHealthEndpoints.LivePath, $"{name} probes {address.AbsolutePath}");
        Assert.Contains("--start-period=", healthcheck.Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void The_one_shot_start_publisher_has_no_health_check()
    {
        var final = Dockerfile.Load("start-publisher.Dockerfile").Final;

        Assert.Equal("HEALTHCHECK NONE", $"{Assert.Single(final.All("HEALTHCHECK")).Keyword} {final.Last("HEALTHCHECK")!.Arguments}");
        Assert.Equal("Resolute.Samples.EnrichIssues.StartPublisher.dll", final.Last("ENTRYPOINT")!.ExecForm()[1]);
    }

    [Fact]
    public void The_build_context_leaves_build_output_and_local_state_out()
    {
        var ignore = DockerIgnore.Load(RepositoryFiles.PathOf(".dockerignore"));

        Assert.True(ignore.Excludes("src/Resolute.Core/bin/Debug/net10.0/Resolute.Core.dll"));
        Assert.True(ignore.Excludes("src/Samples/Resolute.Samples.EnrichIssues.Service/obj/project.assets.json"));
        Assert.True(ignore.Excludes(".git"));
        Assert.True(ignore.Excludes(".env"));
        Assert.True(ignore.Excludes("src/Samples/Resolute.Samples.EnrichIssues/resolute.db"));
        Assert.False(ignore.Excludes("src/Resolute.Core/Flow.cs"));
        Assert.False(ignore.Excludes("src/Samples/Resolute.Samples.EnrichIssues.Service/appsettings.json"));
        Assert.All(["global.json", "Directory.Build.props", "Directory.Packages.props", ".env.example"], f => Assert.False(ignore.Excludes(f), f));
    }

    [Fact]
    public void A_dockerignore_folder_pattern_leaves_out_everything_in_it_and_a_bang_brings_files_back()
    {
        var ignore = DockerIgnore.Parse(["# comment", "**/bin", "docs/*.md", "!docs/keep.md", "a?c"]);

        Assert.True(ignore.Excludes("bin/x"));
        Assert.True(ignore.Excludes("deep/er/bin/x/y.dll"));
        Assert.False(ignore.Excludes("binary/x"));
        Assert.True(ignore.Excludes("docs/a.md"));
        Assert.False(ignore.Excludes("docs/keep.md"));
        Assert.False(ignore.Excludes("docs/sub/a.md"));
        Assert.True(ignore.Excludes("abc"));
        Assert.False(ignore.Excludes("abbc"));
    }
}
